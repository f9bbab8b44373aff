import dev.audiocat.pipelines.catalog.*;
import dev.audiocat.features.fingerprint.*;
import java.nio.file.*;
import java.util.*;
/**
 * What reading a catalog's fingerprints costs, part by part, on a catalog from big-catalog.sh: the Parquet read of
 * uri, analysis_time and chromaprint; the same plus ChromaprintCodec.decode; the same plus a lookup in the
 * duplicate index of one 20-s print (as GroupDuplicates does for one new file). Two rounds (the first warms the JIT).
 * Usage (classpath as in big-catalog.sh): java -cp ... PrintScan CATALOG_FOLDER
 */
public class PrintScan {
    public static void main(String[] a) throws Exception {
        List<Path> files = CatalogReader.files(Path.of(a[0]), CatalogSchema.CATALOG_DIR);
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            long[] n = {0, 0};
            CatalogReader.forEachIn(files, CatalogSchema.CATALOG_DIR, Set.of("uri", "analysis_time", "chromaprint"), r -> { n[0]++; n[1] += r.get("chromaprint").toString().length(); });
            long t1 = System.nanoTime();
            long[] v = {0};
            CatalogReader.forEachIn(files, CatalogSchema.CATALOG_DIR, Set.of("uri", "analysis_time", "chromaprint"), r -> v[0] += ChromaprintCodec.decode(r.get("chromaprint").toString()).length);
            long t2 = System.nanoTime();
            int[] tone = new int[161];
            Random rnd = new Random(5);
            for (int i = 0; i < tone.length; i++) tone[i] = rnd.nextInt();
            DuplicateGrouper.Index index = new DuplicateGrouper().index(Map.of("file:///tone.wav", tone));
            long[] m = {0};
            long t3 = System.nanoTime();
            CatalogReader.forEachIn(files, CatalogSchema.CATALOG_DIR, Set.of("uri", "analysis_time", "chromaprint"), r -> m[0] += index.duplicatesOf(ChromaprintCodec.decode(r.get("chromaprint").toString())).size());
            long t4 = System.nanoTime();
            System.out.printf("rows %d, text %d MB: read %.1f s, read+decode %.1f s (%d values), read+decode+match %.1f s (%d matches)%n", n[0], n[1] >> 20, (t1 - t0) / 1e9, (t2 - t1) / 1e9, v[0], (t4 - t3) / 1e9, m[0]);
        }
    }
}
