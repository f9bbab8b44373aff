package dev.audiocat.features.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PcmHasherTest {

    /** The audio_id depends on this quantisation: it must stay Math.round of the clamped, scaled sample. */
    @Test
    void quantiseIsMathRoundOfTheClampedSample() {
        Random r = new Random(20261122);
        int checked = 0;
        float[] edges = {0f, -0f, 1f, -1f, 1.5f, -1.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, 0.5f / 32767, -0.5f / 32767, Math.nextDown(0.5f / 32767), Math.nextUp(-0.5f / 32767)};
        for (float x : edges) {
            assertEquals(Math.round(Math.max(-1f, Math.min(1f, x)) * 32767f), PcmHasher.quantise(x), "x = " + x);
            checked++;
        }
        for (int i = 0; i < 1_000_000; i++) {
            // half-way points between steps (where rounding decides), neighbours of them, and random floats
            float x = switch (i % 3) {
                case 0 -> (r.nextInt(65536) - 32768 + 0.5f) / 32767f;
                case 1 -> Math.nextUp((r.nextInt(65536) - 32768 + 0.5f) / 32767f);
                default -> Float.intBitsToFloat(r.nextInt());
            };
            assertEquals(Math.round(Math.max(-1f, Math.min(1f, x)) * 32767f), PcmHasher.quantise(x), "x = " + x);
            checked++;
        }
        assertEquals(1_000_015, checked);
    }
}
