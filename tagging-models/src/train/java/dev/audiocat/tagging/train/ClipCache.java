package dev.audiocat.tagging.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Rendered clips kept on disk between runs, keyed by everything that determines them (corpus name,
 * count, seed, settings), so a rerun with the same arguments skips rendering and gets identical clips.
 */
final class ClipCache {

    interface Render {
        List<Clip> run() throws Exception;
    }

    private ClipCache() {
    }

    @SuppressWarnings("unchecked")
    static List<Clip> get(Path dir, String key, Render render) throws Exception {
        Path file = dir.resolve("clips-" + key.replaceAll("[^A-Za-z0-9._-]", "_") + ".bin");
        if (Files.isRegularFile(file)) {
            try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                return (List<Clip>) in.readObject();
            } catch (IOException | ClassNotFoundException e) {
                Files.deleteIfExists(file); // stale or partial: render again
            }
        }
        List<Clip> clips = render.run();
        Path tmp = Files.createTempFile(dir, "clips", ".part");
        try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeObject(new ArrayList<>(clips));
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return clips;
    }

    /**
     * Loads every class of the jars (or folders) holding {@code anchors} now: a long run must not
     * trip over a dependency jar that a concurrent {@code mvn install} replaces under it.
     */
    static void preload(Class<?>... anchors) throws IOException {
        for (Class<?> anchor : anchors) {
            Path where;
            try {
                where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
            List<String> names = new ArrayList<>();
            if (Files.isDirectory(where)) {
                try (var s = Files.walk(where)) {
                    s.filter(p -> p.toString().endsWith(".class")).forEach(p -> names.add(where.relativize(p).toString()));
                }
            } else {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(where.toFile())) {
                    jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class")).forEach(names::add);
                }
            }
            for (String n : names) {
                if (n.contains("module-info")) {
                    continue;
                }
                try {
                    Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, anchor.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // optional classes of a dependency; what we use is loaded
                }
            }
        }
    }
}
