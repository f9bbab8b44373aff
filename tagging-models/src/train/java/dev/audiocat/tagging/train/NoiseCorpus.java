package dev.audiocat.tagging.train;

import dev.audiocat.tagging.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** "Other" clips synthesised in Java: coloured and band-passed noise, bursts, crackle, hum, rumble. */
public final class NoiseCorpus {

    private NoiseCorpus() {
    }

    public static List<Clip> render(String name, int count, long seed, double seconds) {
        Random rnd = new Random(seed);
        List<Clip> out = new ArrayList<>();
        int n = (int) (seconds * MidiCorpus.RATE);
        for (int i = 0; i < count; i++) {
            float[] x = new float[n];
            int kind = rnd.nextInt(6);
            double lp = 0;
            double lp2 = 0;
            double brown = 0;
            double cutoff = 0.02 + 0.9 * rnd.nextDouble();
            double hp = rnd.nextDouble() * 0.5;
            double level = Math.pow(10, (-40 + 35 * rnd.nextDouble()) / 20);
            double modRate = 0.1 + 3 * rnd.nextDouble();
            double hum = rnd.nextBoolean() ? 50 : 60;
            for (int k = 0; k < n; k++) {
                double w = rnd.nextGaussian();
                double v;
                switch (kind) {
                    case 0 -> v = w;                                   // white
                    case 1 -> {                                        // band-passed, slowly modulated (wind, air)
                        lp += cutoff * (w - lp);
                        lp2 += hp * (lp - lp2);
                        v = (lp - lp2) * 3 * (0.6 + 0.4 * Math.sin(2 * Math.PI * modRate * k / MidiCorpus.RATE));
                    }
                    case 2 -> {                                        // brown rumble
                        brown = 0.995 * brown + 0.05 * w;
                        v = brown * 2;
                    }
                    case 3 -> v = rnd.nextDouble() < 0.0015 ? w * 8 : w * 0.05; // crackle
                    case 4 -> v = Math.sin(2 * Math.PI * hum * k / MidiCorpus.RATE) + 0.5 * Math.sin(2 * Math.PI * 3 * hum * k / MidiCorpus.RATE) + 0.1 * w;
                    default -> {                                       // bursts of noise
                        lp += cutoff * (w - lp);
                        double env = ((k / (MidiCorpus.RATE / (1 + modRate))) % 1.0) < 0.3 ? 1 : 0.02;
                        v = lp * 3 * env;
                    }
                }
                x[k] = (float) (v * level);
            }
            out.add(new Clip(name + "-other-" + i, x, new float[Labels.INSTRUMENTS.size()], Labels.CONTENT.indexOf("other"), -1, -1));
        }
        return out;
    }
}
