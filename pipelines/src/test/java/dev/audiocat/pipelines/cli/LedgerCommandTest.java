package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.ledger.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LedgerCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new LedgerCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void importHistoryCheckpointVerifyProveAndStatement() throws Exception {
        String ledger = dir.resolve("ledger").toString();
        Path parties = Files.writeString(dir.resolve("parties.csv"),
                "party_id,name,kind\nana,Ana,artist\nlbl,Label,label\nacme,ACME AI,licensee\n");
        Path assets = Files.writeString(dir.resolve("assets.csv"), "asset_id,audio_id,owner,title\na1,x1,lbl,Song\na2,x2,lbl,Other\n");
        Path consents = Files.writeString(dir.resolve("consents.csv"),
                "consent_id,asset_id,party_id,purpose,value,territories,valid_from,evidence_sha256\n"
                        + "c1,,lbl,ai_training,allowed,WORLD,2024-01-01," + "ef".repeat(32) + "\n");
        Path splits = Files.writeString(dir.resolve("splits.csv"),
                "split_id,asset_id,right_type,party_id,role,share,valid_from\n"
                        + "s1,a1,master,ana,performer,0.6,2024-01-01\ns1,a1,master,lbl,label,0.4,2024-01-01\n");
        Path licenses = Files.writeString(dir.resolve("licenses.csv"),
                "license_id,licensee,asset_ids,purposes,territories,valid_from,fee_amount,fee_currency\n"
                        + "L1,acme,a1;a2,ai_training,WORLD,2024-01-01,5000.00,EUR\n");
        Path usage = Files.writeString(dir.resolve("usage.csv"),
                "usage_id,license_id,licensee,asset_ids,delivered_at,revenue_amount,revenue_currency\n"
                        + "u1,L1,acme,a1,2024-02-10,300.00,EUR\n");

        Run r = run("import", "--ledger", ledger, parties.toString(), assets.toString(), consents.toString(),
                splits.toString(), licenses.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("appended entry 0 with 8 events"), r.out());

        // a bad split: every error named by file, line and field; nothing written
        Path bad = Files.writeString(dir.resolve("bad-splits.csv"),
                "split_id,asset_id,right_type,party_id,role,share,valid_from\n"
                        + "s2,a2,publishing,ana,writer,0.5,2024-01-01\ns2,a2,publishing,ghost,writer,0.5,2024-01-01\n"
                        + "s3,a9,master,ana,x,1,2024-01-01\n");
        r = run("import", "--ledger", ledger, "--kind", "splits", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad-splits.csv line 2, field shares[1].party_id: unknown party ghost"), r.err());
        assertTrue(r.err().contains("bad-splits.csv line 4, field asset_id: unknown asset a9"), r.err());
        assertTrue(r.err().contains("2 error(s); nothing was written"), r.err());

        assertEquals(0, run("import", "--ledger", ledger, usage.toString()).code());

        r = run("history", "--ledger", ledger, "a1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("asset", "consent", "split", "license", "usage"),
                lines.stream().map(l -> (String) Json.parseObject(l).get("type")).toList(), r.out());
        assertEquals(1, run("history", "--ledger", ledger, "nope").code());

        Path key = dir.resolve("keys/k.key");
        r = run("checkpoint", "--ledger", ledger, "--key", key.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("checkpoint: tree size 2, root "), r.out());

        r = run("verify", "--ledger", ledger, "--public-key", key.resolveSibling("k.key.pub").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("OK: ") && r.out().contains("2 entries verify; 1 signed checkpoint(s) match"), r.out());
        assertEquals(0, run("verify", "--ledger", ledger, "--from-checkpoint", "latest").code());

        r = run("prove", "--ledger", ledger, "0");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> proof = Json.parseObject(r.out().trim());
        assertEquals(true, proof.get("verified"));
        assertEquals(2L, proof.get("tree_size"));
        assertEquals(true, ((Map<?, ?>) proof.get("signed_checkpoint")).get("root_matches"));

        r = run("prove", "--ledger", ledger, "1", "--consistent-with", "1");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> consistency = (Map<?, ?>) Json.parseObject(r.out().trim()).get("consistency");
        assertEquals(true, consistency.get("verified"), r.out());
        assertEquals(1, ((List<?>) consistency.get("proof")).size());

        r = run("statement", "--ledger", ledger, "--party", "ana", "--period", "2024-02");
        assertEquals(0, r.code(), r.err());
        // 300 EUR for a1, master only: ana 0.6
        assertTrue(r.out().contains("ana,u1,2024-02-10T00:00:00Z,L1,acme,a1,master,performer,0.6,180,EUR"), r.out());
        assertTrue(r.out().contains("ana,TOTAL,,,,,,,,180,EUR"), r.out());
        assertEquals(1, run("statement", "--ledger", ledger, "--party", "ana", "--period", "Feb").code());

        assertEquals(1, run("verify", "--ledger", dir.resolve("typo").toString()).code());
        assertTrue(!Files.exists(dir.resolve("typo")), "a read-only command creates nothing");

        // damage one byte of entry 1: verify names it
        Path log = dir.resolve("ledger/ledger.log");
        String text = Files.readString(log, StandardCharsets.UTF_8).replace("300.00", "900.00");
        Files.writeString(log, text, StandardCharsets.UTF_8);
        r = run("verify", "--ledger", ledger);
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().startsWith("DAMAGED: ") && r.out().contains("first bad entry 1:"), r.out());
    }
}
