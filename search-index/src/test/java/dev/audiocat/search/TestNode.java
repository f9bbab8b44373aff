package dev.audiocat.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/** The local Elasticsearch node shared by every test class of the run (started once, reused). */
final class TestNode {
    private TestNode() {}

    static SearchConnection connect() throws IOException {
        return SearchConnection.local(LocalElasticsearch.defaultHome());
    }

    /** An alias no other test uses, so test classes never see each other's documents. */
    static String uniqueAlias(String what) {
        return "audiocat-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Path home() {
        return LocalElasticsearch.defaultHome();
    }
}
