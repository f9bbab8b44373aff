package dev.audiocat.tagging.train;

import dev.audiocat.tagging.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Speech clips spoken by espeak-ng (GPL-3 program; its output is not covered by the GPL) from random word sequences. */
public final class SpeechCorpus {

    private static final String[] WORDS = (
            "the of and to in is you that it he was for on are as with his they at be this have from or one had by "
            + "word but not what all were we when your can said there use an each which she do how their if will up "
            + "other about out many then them these so some her would make like him into time has look two more write "
            + "go see number no way could people my than first water been call who oil its now find long down day did "
            + "get come made may part over new sound take only little work know place year live me back give most very "
            + "after thing our just name good sentence man think say great where help through much before line right "
            + "too mean old any same tell boy follow came want show also around form three small set put end does "
            + "another well large must big even such because turn here why ask went men read need land different home "
            + "us move try kind hand picture again change off play spell air away animal house point page letter mother "
            + "answer found study still learn should america world high every near add food between own below country "
            + "plant last school father keep tree never start city earth eye light thought head under story saw left "
            + "archive catalogue recording tape broadcast music library minute seven eleven twenty hundred").split(" ");
    private static final String[] VOICES = {"en", "en-us", "en-gb-x-rp", "en-029", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "cs", "fi", "da"};
    private static final String[] VARIANTS = {"", "+m1", "+m2", "+m3", "+m4", "+m5", "+m6", "+m7", "+f1", "+f2", "+f3", "+f4", "+f5", "+croak", "+klatt", "+klatt2"};

    private final Path workDir;

    public SpeechCorpus(Path workDir) {
        this.workDir = workDir;
    }

    public List<Clip> render(String name, int count, long seed, double seconds) throws IOException, InterruptedException {
        Random rnd = new Random(seed);
        List<Clip> out = new ArrayList<>();
        Path wav = workDir.resolve(name + "-speech.wav");
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int words = 25 + rnd.nextInt(15);
            for (int w = 0; w < words; w++) {
                text.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(9) == 0 ? ". " : " ");
            }
            String voice = VOICES[rnd.nextInt(VOICES.length)] + VARIANTS[rnd.nextInt(VARIANTS.length)];
            Process p = new ProcessBuilder("espeak-ng", "-v", voice, "-s", String.valueOf(130 + rnd.nextInt(80)),
                    "-p", String.valueOf(25 + rnd.nextInt(50)), "-w", wav.toString(), text.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0 || !Files.exists(wav)) {
                throw new IOException("espeak-ng failed for voice " + voice + " (apt-get install espeak-ng)");
            }
            float[] audio = Wav.readMono(wav);
            int len = (int) (seconds * MidiCorpus.RATE);
            float[] clip = new float[len];
            int offset = audio.length > len ? rnd.nextInt(audio.length - len) : 0;
            System.arraycopy(audio, offset, clip, 0, Math.min(len, audio.length - offset));
            float[] labels = new float[Labels.INSTRUMENTS.size()];
            labels[Labels.INSTRUMENTS.indexOf("voice")] = 1;
            out.add(new Clip(name + "-speech-" + i, clip, labels, Labels.CONTENT.indexOf("speech"), -1, -1));
        }
        Files.deleteIfExists(wav);
        return out;
    }

    /** Speech over a music bed {@code 6..18} dB lower (RMS): content speech, instruments of both. */
    public static List<Clip> mixes(String name, List<Clip> speech, List<Clip> music, long seed) {
        Random rnd = new Random(seed);
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < speech.size(); i++) {
            Clip s = speech.get(i);
            Clip m = music.get(rnd.nextInt(music.size()));
            double bedDb = -6 - 12 * rnd.nextDouble();
            double gain = rms(s.samples()) / Math.max(1e-6, rms(m.samples())) * Math.pow(10, bedDb / 20);
            float[] mix = new float[s.samples().length];
            for (int k = 0; k < mix.length; k++) {
                mix[k] = s.samples()[k] + (k < m.samples().length ? (float) (m.samples()[k] * gain) : 0);
            }
            float[] labels = m.instruments().clone();
            labels[Labels.INSTRUMENTS.indexOf("voice")] = 1;
            out.add(new Clip(name + "-mix-" + i, mix, labels, Labels.CONTENT.indexOf("speech"), -1, -1));
        }
        return out;
    }

    static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s / Math.max(1, x.length));
    }
}
