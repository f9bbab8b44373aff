package dev.audiocat.tagging;

import java.io.IOException;
import java.nio.file.Path;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/** Real test audio made by the Debian tools the tests depend on (espeak-ng, fluidsynth + FluidR3_GM). */
final class TestAudio {

    private TestAudio() {
    }

    static Path speech(Path dir, String name, String text) throws IOException, InterruptedException {
        Path wav = dir.resolve(name + ".wav");
        run("espeak-ng", "-v", "en", "-s", "160", "-w", wav.toString(), text);
        return wav;
    }

    /** A few seconds of General MIDI: {@code program} playing a melody, or drums when program is -1. */
    static Path render(Path dir, String name, int program, long seed) throws Exception {
        Sequence seq = new Sequence(Sequence.PPQ, 480);
        Track t = seq.createTrack();
        java.util.Random r = new java.util.Random(seed);
        int ch = program < 0 ? 9 : 0;
        if (program >= 0) {
            t.add(new MidiEvent(new ShortMessage(ShortMessage.PROGRAM_CHANGE, ch, program, 0), 0));
        }
        for (int i = 0; i < 16; i++) {
            long tick = i * 240L;
            int[] notes = program < 0 ? new int[] {i % 4 == 0 ? 36 : (i % 4 == 2 ? 38 : 42)} : new int[] {60 + r.nextInt(12), 48 + r.nextInt(12)};
            for (int n : notes) {
                t.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, ch, n, 100), tick));
                t.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_OFF, ch, n, 0), tick + 220));
            }
        }
        Path mid = dir.resolve(name + ".mid");
        Path wav = dir.resolve(name + ".wav");
        MidiSystem.write(seq, 1, mid.toFile());
        run("fluidsynth", "-ni", "-q", "-r", "22050", "-T", "wav", "-F", wav.toString(), "/usr/share/sounds/sf2/FluidR3_GM.sf2", mid.toString());
        return wav;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

}
