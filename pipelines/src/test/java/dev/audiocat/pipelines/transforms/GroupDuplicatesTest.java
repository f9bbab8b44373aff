package dev.audiocat.pipelines.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.audiocat.features.fingerprint.ChromaprintCodec;
import dev.audiocat.pipelines.catalog.CatalogFile;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupDuplicatesTest {

    @TempDir
    Path dir;

    static int[] print(long seed) {
        Random r = new Random(seed);
        int[] fp = new int[300]; // 37 s of sub-fingerprints
        for (int i = 0; i < fp.length; i++) {
            fp[i] = r.nextInt();
        }
        return fp;
    }

    /** A re-encode: the same print trimmed by {@code shift} items, with about 3 % of its bits flipped. */
    static int[] reencoded(int[] fp, int shift, long seed) {
        Random r = new Random(seed);
        int[] out = new int[fp.length - shift];
        for (int i = 0; i < out.length; i++) {
            out[i] = fp[i + shift];
            if (r.nextInt(100) < 60) {
                out[i] ^= 1 << r.nextInt(32);
            }
        }
        return out;
    }

    static GenericRecord row(String name, int[] fp, long time, String group) {
        GenericData.Record r = (GenericData.Record) SearchTestRows.row(name + "-asset", name, "C", "major", 120, 0, Map.of(), "granted");
        r.put("uri", "file:///library/" + name + ".wav");
        r.put("chromaprint", ChromaprintCodec.encode(fp, 1));
        r.put("analysis_time", time);
        r.put("duplicate_group", group);
        return r;
    }

    static String current(String name, int[] fp) {
        return name + "-asset " + ChromaprintCodec.encode(fp, 1);
    }

    /**
     * This run's files are grouped with each other and with the catalog's latest rows, read from its files: a
     * re-encode of an earlier row without a group forms one with it (id: the first member's asset by URI),
     * a re-encode of a row that has a group joins that group, a file that matches only an outdated version
     * of an earlier row, or nothing, stays alone.
     */
    @Test
    void thisRunsFilesJoinEarlierRowsReadOneAtATime() throws Exception {
        int[] e = print(1);
        int[] g = print(2);
        int[] oldU = print(3);
        Path catalog = Files.createDirectories(dir.resolve("catalog").resolve(CatalogSchema.CATALOG_DIR));
        CatalogFile.write(catalog.resolve("run1.parquet"), CatalogSchema.CATALOG, List.of(
                row("b-earlier", e, 100, null),
                row("c-grouped", g, 100, "group-g"),
                row("u-changed", oldU, 100, null),
                row("f-other", print(4), 100, null)));
        CatalogFile.write(catalog.resolve("run2.parquet"), CatalogSchema.CATALOG, List.of(
                row("u-changed", print(5), 200, null)));   // u's content changed: only this row counts now

        Map<String, String> run = Map.of(
                "file:///library/x-copy.wav", current("x-copy", reencoded(e, 3, 7)),
                "file:///library/a-copy.wav", current("a-copy", reencoded(e, 5, 8)),
                "file:///library/z-copy.wav", current("z-copy", reencoded(g, 2, 9)),
                "file:///library/y-new.wav", current("y-new", reencoded(oldU, 1, 10)),
                "file:///library/w-alone.wav", current("w-alone", print(6)));
        Map<String, String> groups = GroupDuplicates.group(run, List.of(catalog.resolve("run1.parquet").toString(),
                catalog.resolve("run2.parquet").toString()));

        assertEquals(Map.of(
                "file:///library/a-copy.wav", "a-copy-asset",   // a-copy < b-earlier < x-copy by URI
                "file:///library/x-copy.wav", "a-copy-asset",
                "file:///library/z-copy.wav", "group-g"), groups);
        // without the catalog, only this run's two copies of e group
        assertEquals(Map.of("file:///library/a-copy.wav", "a-copy-asset", "file:///library/x-copy.wav", "a-copy-asset"),
                GroupDuplicates.group(run, List.of()));
    }
}
