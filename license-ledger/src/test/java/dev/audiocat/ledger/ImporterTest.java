package dev.audiocat.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.audiocat.ledger.store.LocalFolderStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImporterTest {
    @TempDir Path dir;

    @Test
    void csvErrorsNameLineAndFieldAndNothingIsWritten() throws Exception {
        Path parties = Files.writeString(dir.resolve("parties.csv"),
                "party_id,name,kind,ipi\nana,\"Ana, the artist\",artist,00052210040\nlbl,Label,label,\n");
        Path assets = Files.writeString(dir.resolve("assets.csv"), "asset_id,audio_id,owner\na1,x1,lbl\n");
        Path splits = Files.writeString(dir.resolve("splits.csv"),
                "split_id,asset_id,right_type,party_id,role,share,valid_from\n"
                        + "s1,a1,master,ana,artist,0.5,2024-01-01\n"
                        + "s1,a1,master,lbl,label,0.4,2024-01-01\n"
                        + "s2,a1,publishing,ana,writer,1,2024-13-01\n");
        try (Ledger l = Ledger.open(new LocalFolderStore(dir.resolve("ledger"), false))) {
            l.append(Importer.read(parties, null));
            l.append(Importer.read(assets, null));
            assertEquals("Ana, the artist", l.state().party("ana").name());
            ValidationException e = assertThrows(ValidationException.class,
                    () -> l.append(Importer.read(splits, null)));
            assertEquals(2, e.errors().size());
            assertEquals("splits.csv line 2, field shares: shares sum to 0.9, not exactly 1 (100%); nothing was written",
                    e.errors().get(0).toString());
            assertEquals("splits.csv line 4", e.errors().get(1).origin());
            assertEquals("valid_from", e.errors().get(1).field());
            assertEquals(2, l.size());
        }
    }

    @Test
    void jsonArraysAndLinesKeepTheirLineNumbers() throws Exception {
        Path arr = Files.writeString(dir.resolve("events.json"),
                "[\n  {\"type\": \"party\", \"party_id\": \"p\", \"name\": \"P\", \"kind\": \"artist\"},\n"
                        + "  {\"type\": \"asset\",\n   \"asset_id\": \"a\", \"owner\": \"ghost\"}\n]\n");
        List<SourcedEvent> ev = Importer.read(arr, null);
        assertEquals("events.json line 2", ev.get(0).origin());
        assertEquals("events.json line 3", ev.get(1).origin());
        Path lines = Files.writeString(dir.resolve("more.jsonl"),
                "{\"type\":\"party\",\"party_id\":\"q\",\"name\":\"Q\",\"kind\":\"label\"}\n\n{\"type\":\"nope\"}\n");
        List<SourcedEvent> ev2 = Importer.read(lines, null);
        assertEquals("more.jsonl line 3", ev2.get(1).origin());
        try (Ledger l = Ledger.open(new LocalFolderStore(dir.resolve("ledger"), false))) {
            ValidationException e = assertThrows(ValidationException.class, () -> l.append(ev));
            assertEquals("events.json line 3, field owner: unknown party ghost: import the party first",
                    e.errors().get(0).toString());
            Importer.ImportException bad = assertThrows(Importer.ImportException.class,
                    () -> Importer.read(Files.writeString(dir.resolve("x.jsonl"), "{\"a\":1}\n{oops}\n"), null));
            assertEquals(true, bad.getMessage().startsWith("x.jsonl line 2:"), bad.getMessage());
        }
    }
}
