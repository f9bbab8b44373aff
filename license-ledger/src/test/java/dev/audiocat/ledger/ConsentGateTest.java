package dev.audiocat.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.store.LocalFolderStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentGateTest {
    @TempDir Path dir;
    Ev.TestClock clock = new Ev.TestClock("2024-01-01T00:00:00Z");
    Ledger ledger;

    static Instant t(String s) {
        return Fields.parseTime("t", s);
    }

    @BeforeEach
    void setUp() throws Exception {
        ledger = Ledger.open(new LocalFolderStore(dir, false), clock);
        ledger.append(List.of(SourcedEvent.of(Ev.party("lbl", "label")),
                SourcedEvent.of(Ev.party("ana", "artist")),
                SourcedEvent.of(Ev.party("acme", "licensee")),
                SourcedEvent.of(Ev.party("other", "licensee")),
                SourcedEvent.of(Ev.asset("a1", "lbl")),
                SourcedEvent.of(Ev.asset("a2", "lbl")),
                SourcedEvent.of(Ev.asset("a3", null))));
    }

    @Test
    void unknownAssetsAndMissingConsentAreNo() {
        ConsentGate g = ledger.gate();
        ConsentGate.Decision d = g.decide("zz", Purpose.AI_TRAINING, "acme", "US", t("2024-06-01"));
        assertFalse(d.allowed());
        assertTrue(d.reason().contains("unknown asset zz"), d.reason());
        d = g.decide("a3", Purpose.AI_TRAINING, "acme", "US", t("2024-06-01"));
        assertFalse(d.allowed());
        assertTrue(d.reason().startsWith("no consent for ai_training"), d.reason());
    }

    @Test
    void assetConsentBeatsCatalogueConsentAndTerritoriesCount() throws Exception {
        clock.set("2024-02-01T00:00:00Z");
        ledger.append(Ev.of("type", "consent", "consent_id", "cat", "party_id", "lbl", "purpose",
                "ai_training", "value", "allowed", "territories", List.of("WORLD"), "valid_from",
                "2024-01-01", "evidence_sha256", Ev.EVIDENCE));
        ledger.append(Ev.consent("own", "a2", "ai_training", "notAllowed", List.of("DE", "FR"),
                "2024-01-01", null));
        ConsentGate g = ledger.gate();
        Instant at = t("2024-03-01");
        ConsentGate.Decision d = g.decide("a1", Purpose.AI_TRAINING, "acme", "US", at);
        assertTrue(d.allowed(), d.reason());
        assertEquals("cat", d.consentId());
        d = g.decide("a2", Purpose.AI_TRAINING, "acme", "DE", at);
        assertFalse(d.allowed());
        assertEquals("own", d.consentId());
        // a2 in the US: its own consents do not cover the US, the catalogue consent does
        assertTrue(g.decide("a2", Purpose.AI_TRAINING, "acme", "US", at).allowed());
        // another purpose is not implied
        assertFalse(g.decide("a1", Purpose.AI_GENERATIVE_TRAINING, "acme", "US", at).allowed());
        // before the consent's validity
        assertFalse(g.decide("a1", Purpose.AI_TRAINING, "acme", "US", t("2023-12-31")).allowed());
    }

    @Test
    void constrainedNeedsMachineCheckableTerms() throws Exception {
        Map<String, Object> free = Ev.consent("c1", "a1", "commercial_license", "constrained",
                List.of("WORLD"), "2024-01-01", null);
        free.put("constraints", Ev.of("terms", "only for nice projects"));
        Map<String, Object> none = Ev.consent("c2", "a2", "commercial_license", "constrained",
                List.of("WORLD"), "2024-01-01", null);
        Map<String, Object> checkable = Ev.consent("c3", "a3", "commercial_license", "constrained",
                List.of("WORLD"), "2024-01-01", null);
        checkable.put("constraints", Ev.of("licensees", List.of("acme"), "requires_license", true));
        ledger.append(List.of(SourcedEvent.of(free), SourcedEvent.of(none), SourcedEvent.of(checkable)));
        ConsentGate g = ledger.gate();
        Instant at = t("2024-05-01");
        ConsentGate.Decision d = g.decide("a1", Purpose.COMMERCIAL_LICENSE, "acme", "US", at);
        assertFalse(d.allowed());
        assertTrue(d.reason().contains("without machine-checkable terms"), d.reason());
        assertFalse(g.decide("a2", Purpose.COMMERCIAL_LICENSE, "acme", "US", at).allowed());
        assertFalse(g.decide("a3", Purpose.COMMERCIAL_LICENSE, "other", "US", at).allowed());
        d = g.decide("a3", Purpose.COMMERCIAL_LICENSE, "acme", "US", at);
        assertFalse(d.allowed(), "needs a license too");
        assertTrue(d.reason().contains("requires a license"), d.reason());

        clock.set("2024-05-02T00:00:00Z");
        ledger.append(Ev.of("type", "license", "license_id", "L1", "licensee", "acme", "asset_ids",
                List.of("a3"), "purposes", List.of("commercial_license"), "territories", List.of("US"),
                "valid_from", "2024-05-01", "fee", Ev.of("amount", "100.00", "currency", "EUR")));
        d = ledger.gate().decide("a3", Purpose.COMMERCIAL_LICENSE, "acme", "US", t("2024-06-01"));
        assertTrue(d.allowed(), d.reason());
        assertEquals("L1", d.licenseId());
        assertFalse(ledger.gate().decide("a3", Purpose.COMMERCIAL_LICENSE, "acme", "CA",
                t("2024-06-01")).allowed(), "license is for the US only");
    }

    @Test
    void pointInTimeAnswersSeeOnlyWhatWasKnownThen() throws Exception {
        clock.set("2024-03-01T00:00:00Z");
        ledger.append(Ev.consent("c1", "a1", "ai_training", "allowed", List.of("WORLD"),
                "2024-01-01", null));
        clock.set("2024-09-01T00:00:00Z");
        ledger.append(Ev.of("type", "revocation", "consent_id", "c1", "effective", "2024-08-01",
                "reason", "artist withdrew"));
        ConsentGate g = ledger.gate();
        // consent recorded on March 1st: an export on February 1st could not rely on it
        assertFalse(g.decide("a1", Purpose.AI_TRAINING, null, "US", t("2024-02-01")).allowed());
        // an export in June was fine then, and stays provably fine
        assertTrue(g.decide("a1", Purpose.AI_TRAINING, null, "US", t("2024-06-01")).allowed());
        // on August 15th the revocation was effective but not yet recorded: what was known then allowed it
        assertTrue(g.decide("a1", Purpose.AI_TRAINING, null, "US", t("2024-08-15")).allowed());
        // knowing everything, August 15th is not allowed
        ConsentGate.Decision d = g.decide("a1", Purpose.AI_TRAINING, null, "US", t("2024-08-15"),
                Horizon.all());
        assertFalse(d.allowed(), d.reason());
        assertFalse(g.decide("a1", Purpose.AI_TRAINING, null, "US", t("2024-10-01")).allowed());
        // a consent starting where the revocation took effect is not an overlap
        ledger.append(Ev.consent("c2", "a1", "ai_training", "notAllowed", List.of("WORLD"),
                "2024-08-01", null));
    }

    @Test
    void snapshotSummarisesEveryColumn() throws Exception {
        clock.set("2024-02-01T00:00:00Z");
        ledger.append(List.of(
                SourcedEvent.of(Ev.consent("c1", "a1", "catalog", "allowed", List.of("WORLD"), "2024-01-01", null)),
                SourcedEvent.of(Ev.consent("c2", "a1", "ai_training", "allowed", List.of("US", "CA"), "2024-01-01", "2026-01-01")),
                SourcedEvent.of(Ev.consent("c3", "a1", "ai_training", "notAllowed", List.of("DE"), "2024-01-01", null)),
                SourcedEvent.of(Ev.split("s1", "a1", "master", "2024-01-01", "ana", "0.75", "lbl", "0.25")),
                SourcedEvent.of(Ev.of("type", "license", "license_id", "L9", "licensee", "acme",
                        "asset_ids", List.of("a1"), "purposes", List.of("catalog"), "territories",
                        List.of("WORLD"), "valid_from", "2024-01-01"))));
        RightsSnapshot snap = RightsSnapshot.of(ledger, ledger.size(), t("2024-06-01"));
        RightsSummary s = snap.summarize("nope", "audio-a1");
        assertEquals("known", s.rightsStatus());
        assertEquals("allowed", s.consent().get("catalog"));
        assertEquals("constrained", s.consent().get("ai_training"), "differs by territory");
        assertEquals("unknown", s.consent().get("ai_generative_training"));
        assertEquals(List.of("WORLD"), s.territories());
        assertEquals(t("2026-01-01"), s.validUntil());
        assertEquals(List.of("L9"), s.licenseIds());
        assertEquals(List.of(new RightsSummary.Share("ana", "Name of ana", "artist", "master", "0.75"),
                new RightsSummary.Share("lbl", "Name of lbl", "artist", "master", "0.25")), s.royaltySplit());
        assertEquals(ledger.size(), s.treeSize());
        assertEquals(ledger.head().rootHash(), s.rootHash());

        RightsSummary u = snap.summarize("zz", null);
        assertEquals("unknown", u.rightsStatus());
        assertEquals("unknown", u.consent().get("catalog"));
        assertNull(u.validFrom());

        // the snapshot at an earlier tree size does not see the consents
        RightsSnapshot early = RightsSnapshot.of(ledger, 1, t("2024-06-01"));
        assertEquals("unknown", early.summarize("a1", null).consent().get("catalog"));
        assertEquals(1, early.treeSize());
    }
}
