/* Feeds raw interleaved int16 (stdin) to libchromaprint through its public API, so that the
 * library's own downmix and resampler run (fpcalc bypasses them), and prints the raw fingerprint.
 * Usage: chromaprint_feed RATE CHANNELS < audio.s16le
 * Build: gcc -O2 -o chromaprint_feed chromaprint_feed.c -l:libchromaprint.so.1
 * The five prototypes below are the documented public API (chromaprint.h); the -dev package is not needed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct ChromaprintContextPrivate ChromaprintContext;
ChromaprintContext *chromaprint_new(int algorithm);
int chromaprint_start(ChromaprintContext *ctx, int sample_rate, int num_channels);
int chromaprint_feed(ChromaprintContext *ctx, const int16_t *data, int size);
int chromaprint_finish(ChromaprintContext *ctx);
int chromaprint_get_raw_fingerprint(ChromaprintContext *ctx, uint32_t **fp, int *size);

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s RATE CHANNELS < audio.s16le\n", argv[0]);
        return 2;
    }
    ChromaprintContext *ctx = chromaprint_new(1); /* CHROMAPRINT_ALGORITHM_TEST2 */
    if (!chromaprint_start(ctx, atoi(argv[1]), atoi(argv[2]))) {
        fprintf(stderr, "chromaprint_start failed\n");
        return 1;
    }
    int16_t buf[4096 * 6];
    size_t n;
    while ((n = fread(buf, sizeof(int16_t), sizeof(buf) / sizeof(buf[0]), stdin)) > 0) {
        chromaprint_feed(ctx, buf, (int) n);
    }
    chromaprint_finish(ctx);
    uint32_t *fp;
    int size;
    chromaprint_get_raw_fingerprint(ctx, &fp, &size);
    for (int i = 0; i < size; i++) {
        printf(i ? ",%u" : "%u", fp[i]);
    }
    printf("\n");
    return 0;
}
