package dev.audiocat.tagging;

import dev.audiocat.tagging.frontend.PatchSet;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.mood.MoodDescriptors;
import dev.audiocat.tagging.registry.ModelCard;
import dev.audiocat.tagging.registry.ModelRegistry;
import java.nio.file.Path;
import java.security.Permission;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child-JVM program of {@link OfflineInferenceIT}: loads the registry and runs the shipped models
 * while a security manager refuses (and counts) every attempt to reach a host other than loopback.
 * Prints {@code OFFLINE-OK connects=N tagged=M}.
 */
public final class OfflineProbe {

    static final AtomicInteger CONNECTS = new AtomicInteger();

    @SuppressWarnings("removal")
    public static void main(String[] args) throws Exception {
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkPermission(Permission perm) {
            }

            @Override
            public void checkPermission(Permission perm, Object context) {
            }

            @Override
            public void checkConnect(String host, int port) {
                if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("::1") && !host.equals("0:0:0:0:0:0:0:1")) {
                    CONNECTS.incrementAndGet();
                    System.out.println("NETWORK-ATTEMPT " + host + ":" + port);
                    throw new SecurityException("no network for audiocat inference: " + host + ":" + port);
                }
            }

            @Override
            public void checkConnect(String host, int port, Object context) {
                checkConnect(host, port);
            }
        });
        ModelRegistry registry = ModelRegistry.builtIn(Path.of(args[0]));
        int tagged;
        try (Tagger tagger = Tagger.open(registry, InferenceDevice.CPU, 1, System.err::println)) {
            ModelCard card = registry.entries().stream().filter(e -> e.card().id().equals("audiocat-tagger")).findFirst().orElseThrow().card();
            int size = card.input().melBands() * card.input().patchFrames();
            float[][] patches = new float[2][size];
            Random r = new Random(2);
            for (float[] p : patches) {
                for (int i = 0; i < size; i++) {
                    p[i] = (float) r.nextGaussian();
                }
            }
            ModelInput in = new ModelInput(List.of(new PatchSet(card.input().frontEnd(), patches, new float[] {0, 0}, new long[] {0, 96}, 200)),
                    new MoodDescriptors(100, 0.3, 2, -20, 1500, 0, 0.05, 1));
            List<TrackTags> t = tagger.tag(List.of(new Tagger.Request(in, null, null, null)), 32);
            tagged = t.size();
            if (t.get(0).embedding() == null || t.get(0).instruments() == null) {
                throw new IllegalStateException("no model output");
            }
        }
        Thread.sleep(500); // give any background "call home" thread the chance to show itself
        System.out.println("OFFLINE-OK connects=" + CONNECTS.get() + " tagged=" + tagged);
    }
}
