package dev.audiocat.features.rhythm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastLogTest {

    @Test
    void ln1pWithin3e5OverTheMagnitudeRange() {
        int n = 0;
        for (double x = 0; x < 1e5; x = x * 1.01 + 1e-4, n++) {
            assertEquals(Math.log1p(x), TempoEstimator.ln1p((float) x), 3e-5 * Math.max(1, Math.log1p(x)), "x=" + x);
        }
        assertTrue(n > 1500, "points checked: " + n); // geometric steps of 1% from 1e-4 to 1e5
    }
}
