package dev.audiocat.pipelines.cli;

/** The version written into every catalog row's provenance. */
public final class AudiocatVersion {

    private AudiocatVersion() {
    }

    public static String get() {
        String v = AudiocatVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
