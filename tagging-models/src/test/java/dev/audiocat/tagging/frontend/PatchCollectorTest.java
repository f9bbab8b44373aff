package dev.audiocat.tagging.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.features.dsp.FrameDispatcher;
import dev.audiocat.features.dsp.FrameProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchCollectorTest {

    private static final FrontEndSpec SPEC = FrontEndSpec.DEFAULT;

    private static PatchSet run(float[] x, FrontEndSpec spec, int maxPatches) {
        PatchCollector c = new PatchCollector(spec, maxPatches);
        FrameDispatcher d = new FrameDispatcher(spec.nFft(), spec.hop(), List.<FrameProcessor>of(c));
        d.start(spec.sampleRate(), 1);
        // odd block sizes: the dispatcher, not the caller, owns framing
        for (int i = 0; i < x.length; i += 977) {
            int n = Math.min(977, x.length - i);
            float[] block = new float[n];
            System.arraycopy(x, i, block, 0, n);
            d.accept(new float[][] {block}, n);
        }
        d.finish();
        return c.result();
    }

    private static float[] sine(double hz, double amp, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amp * Math.sin(2 * Math.PI * hz * i / 22050.0));
        }
        return x;
    }

    @Test
    void fullScaleSineReadsZeroDbInItsBand() {
        PatchSet ps = run(sine(1000, 1.0, 22050 * 3), SPEC, 8);
        float[] p = ps.patches()[0];
        int frames = SPEC.patchFrames();
        int loudest = 0;
        for (int b = 0; b < SPEC.melBands(); b++) {
            if (p[b * frames + 40] > p[loudest * frames + 40]) {
                loudest = b;
            }
        }
        // the band whose triangle peaks nearest 1 kHz
        double melStep = (MelFilterbank.hzToMel(SPEC.fMax()) - MelFilterbank.hzToMel(SPEC.fMin())) / (SPEC.melBands() + 1);
        int expected = (int) Math.round((MelFilterbank.hzToMel(1000) - MelFilterbank.hzToMel(SPEC.fMin())) / melStep) - 1;
        assertTrue(Math.abs(loudest - expected) <= 1, "loudest band " + loudest + ", expected about " + expected);
        // 0 dB re full-scale sine, within 3 dB (the sine falls between bins and triangle centres)
        double db = p[loudest * frames + 40] * SPEC.dbScale() + SPEC.dbRef();
        assertEquals(0.0, db, 3.0);
        assertEquals(0.0, ps.peakDb()[0], 3.0);
        // 20 dB quieter input reads 20 dB lower
        PatchSet quiet = run(sine(1000, 0.1, 22050 * 3), SPEC, 8);
        double dbQuiet = quiet.patches()[0][loudest * frames + 40] * SPEC.dbScale() + SPEC.dbRef();
        assertEquals(db - 20, dbQuiet, 0.01);
    }

    @Test
    void countsPatchesAndSpreadsThemOverLongInput() {
        int frames = 1 + 2000; // 2001 frames exactly: 2048 + 2000*512 samples
        int n = 2048 + 2000 * 512;
        PatchSet all = run(sine(440, 0.5, n), SPEC, 1000);
        assertEquals(frames, all.frames());
        int expected = (frames - SPEC.patchFrames()) / SPEC.patchHop() + 1; // 20
        assertEquals(expected, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals((long) i * SPEC.patchHop(), all.startFrames()[i]);
        }
        // bounded: at most 7 kept, evenly strided, first patch kept
        PatchSet few = run(sine(440, 0.5, n), SPEC, 7);
        assertTrue(few.size() <= 7 && few.size() >= 4, "kept " + few.size());
        long stride = few.startFrames()[1] - few.startFrames()[0];
        assertEquals(0, few.startFrames()[0]);
        for (int i = 1; i < few.size(); i++) {
            assertEquals(stride, few.startFrames()[i] - few.startFrames()[i - 1]);
        }
        assertTrue(few.startFrames()[few.size() - 1] >= n / 512 / 2, "patches cover the second half of the input too");
    }

    @Test
    void shortInputGivesOneSilencePaddedPatch() {
        PatchSet ps = run(sine(440, 0.5, 5000), SPEC, 8);
        assertEquals(1, ps.size());
        // 5000 samples -> frames at 0 and 512... : (5000 - 2048)/512 + 1 = 6 full frames + 1 padded = 7... the dispatcher decides
        long frames = ps.frames();
        assertTrue(frames >= 1 && frames < SPEC.patchFrames());
        float[] p = ps.patches()[0];
        int last = SPEC.patchFrames() - 1;
        for (int b = 0; b < SPEC.melBands(); b++) {
            assertEquals(SPEC.silenceValue(), p[b * SPEC.patchFrames() + last], 1e-6);
        }
        assertTrue(p[10 * SPEC.patchFrames()] > SPEC.silenceValue(), "real frames come first");
    }
}
