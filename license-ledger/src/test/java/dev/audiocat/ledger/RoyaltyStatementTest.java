package dev.audiocat.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.audiocat.ledger.store.LocalFolderStore;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoyaltyStatementTest {
    @TempDir Path dir;

    @Test
    void revenueIsAllocatedExactlyBySplit() throws Exception {
        try (Ledger l = Ledger.open(new LocalFolderStore(dir, false),
                new Ev.TestClock("2024-01-01T00:00:00Z"))) {
            l.append(List.of(SourcedEvent.of(Ev.party("ana", "artist")),
                    SourcedEvent.of(Ev.party("pub", "publisher")),
                    SourcedEvent.of(Ev.party("acme", "licensee")),
                    SourcedEvent.of(Ev.asset("a1", null)), SourcedEvent.of(Ev.asset("a2", null)),
                    SourcedEvent.of(Ev.split("m1", "a1", "master", "2024-01-01", "ana", "0.7", "pub", "0.3")),
                    SourcedEvent.of(Ev.split("p1", "a1", "publishing", "2024-01-01", "pub", "1")),
                    SourcedEvent.of(Ev.split("m2", "a2", "master", "2024-01-01", "ana", "0.125", "pub", "0.875")),
                    SourcedEvent.of(Ev.of("type", "license", "license_id", "L1", "licensee", "acme",
                            "asset_ids", List.of("a1", "a2"), "purposes", List.of("ai_training"),
                            "territories", List.of("WORLD"), "valid_from", "2024-01-01"))));
            l.append(List.of(
                    SourcedEvent.of(Ev.of("type", "usage", "usage_id", "u1", "license_id", "L1", "licensee",
                            "acme", "asset_ids", List.of("a1", "a2"), "delivered_at", "2024-03-10",
                            "revenue", Ev.of("amount", "1000.00", "currency", "EUR"))),
                    SourcedEvent.of(Ev.of("type", "usage", "usage_id", "u2", "license_id", "L1", "licensee",
                            "acme", "asset_ids", List.of("a2"), "delivered_at", "2024-04-01",
                            "revenue", Ev.of("amount", "10", "currency", "EUR")))));
            RoyaltyStatement s = RoyaltyStatement.compute(l.state(), "ana",
                    Fields.parseTime("f", "2024-03-01"), Fields.parseTime("f", "2024-04-01"), Horizon.all());
            // u1: 500 per asset; a1 has master+publishing (250 each): ana 0.7 of a1 master = 175;
            // a2 has master only (500): ana 0.125 = 62.5. u2 is outside [March, April).
            assertEquals(2, s.lines().size());
            assertEquals(new BigDecimal("175"), s.lines().get(0).amount().stripTrailingZeros());
            assertEquals(new BigDecimal("62.5"), s.lines().get(1).amount().stripTrailingZeros());
            assertEquals(0, new BigDecimal("237.5").compareTo(s.totals().get("EUR")));
            String csv = s.toCsv();
            assertEquals(4, csv.split("\n").length, csv);
            assertEquals("ana,TOTAL,,,,,,,,237.5,EUR", csv.split("\n")[3]);
        }
    }
}
