package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.LedgerLocation;
import dev.audiocat.ledger.store.LogStore;
import dev.audiocat.search.RightsHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search page's rights history comes from a real ledger folder. */
class ServeCommandTest {

    @Test
    void rightsHistoryReadsTheLedger(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger");
        Path events = dir.resolve("events.json");
        Files.writeString(events, """
                [{"type":"party","party_id":"p1","name":"Kestrel","kind":"artist"},
                 {"type":"asset","asset_id":"a1","title":"Night Drive","owner":"p1"},
                 {"type":"consent","consent_id":"c1","asset_id":"a1","purpose":"ai_training","value":"allowed",
                  "territories":["WORLD"],"valid_from":"2024-01-01",
                  "evidence_sha256":"0000000000000000000000000000000000000000000000000000000000000001"}]
                """);
        assertEquals(0, Main.execute("ledger", "import", "--ledger", ledger.toString(), events.toString()));
        try (LogStore store = LedgerLocation.open(ledger.toString())) {
            RightsHistory h = ServeCommand.rights(store);
            List<Map<String, Object>> a1 = h.history("a1");
            assertEquals(List.of("asset", "consent"), a1.stream().map(e -> e.get("type")).toList(), a1.toString());
            assertTrue(h.history("unknown").isEmpty());
        }
        assertNull(ServeCommand.rights(null), "no ledger: the page says so");
    }
}
