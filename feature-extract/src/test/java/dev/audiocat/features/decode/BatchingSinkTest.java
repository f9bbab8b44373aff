package dev.audiocat.features.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchingSinkTest {

    /** Records what it is handed: block sizes, the samples of every channel, and the calls. */
    private static final class Recorder implements PcmSink {
        final List<Integer> blocks = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        float[][] samples;
        int count;

        @Override
        public void start(int sampleRate, int channelCount) {
            calls.add("start " + sampleRate + " " + channelCount);
            samples = new float[channelCount][10_000];
        }

        @Override
        public void accept(float[][] channels, int frames) {
            blocks.add(frames);
            for (int c = 0; c < samples.length; c++) {
                System.arraycopy(channels[c], 0, samples[c], count, frames);
            }
            count += frames;
        }

        @Override
        public void finish() {
            calls.add("finish");
        }
    }

    @Test
    void handsOnTheSameSamplesInFixedBlocksWhateverTheIncomingBlocks() {
        Random r = new Random(7);
        float[][] all = new float[2][2_500];
        for (float[] ch : all) {
            for (int i = 0; i < ch.length; i++) {
                ch[i] = r.nextFloat() - 0.5f;
            }
        }
        Recorder rec = new Recorder();
        BatchingSink sink = new BatchingSink(rec, 1_000);
        sink.start(11025, 2);
        // incoming blocks of irregular sizes (0 included), each in a reused array as the decoder does
        float[][] block = new float[2][400];
        int at = 0;
        while (at < all[0].length) {
            int n = Math.min(r.nextInt(400), all[0].length - at);
            for (int c = 0; c < 2; c++) {
                System.arraycopy(all[c], at, block[c], 0, n);
                java.util.Arrays.fill(block[c], n, block[c].length, Float.NaN);
            }
            sink.accept(block, n);
            at += n;
        }
        sink.finish();
        assertEquals(List.of(1_000, 1_000, 500), rec.blocks);
        assertEquals(List.of("start 11025 2", "finish"), rec.calls);
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(all[c], java.util.Arrays.copyOf(rec.samples[c], rec.count), "channel " + c);
        }
    }

    @Test
    void anExactMultipleEndsWithoutAShortBlockAndAnEmptyStreamOnlyStartsAndFinishes() {
        Recorder rec = new Recorder();
        BatchingSink sink = new BatchingSink(rec, 256);
        sink.start(22050, 1);
        sink.accept(new float[][] {new float[512]}, 512);
        sink.finish();
        assertEquals(List.of(256, 256), rec.blocks);

        Recorder empty = new Recorder();
        BatchingSink none = new BatchingSink(empty, 256);
        none.start(44100, 1);
        none.finish();
        assertEquals(List.of(), empty.blocks);
        assertEquals(List.of("start 44100 1", "finish"), empty.calls);
        assertThrows(IllegalArgumentException.class, () -> new BatchingSink(empty, 0));
    }
}
