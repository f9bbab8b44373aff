import dev.audiocat.pipelines.catalog.*;
import java.nio.file.*;
import java.util.*;
import org.apache.avro.generic.*;
/**
 * A large catalog for bench/ingest/big-catalog.sh: ROWS catalog rows cloned from a catalog's latest rows (a
 * new uri, file name and asset id each; embedding, fingerprint, tags and QC as they are), written to
 * OUT/catalog/big-NNN.parquet, 50,000 rows per file. Usage: BigCatalog SOURCE_CATALOG ROWS OUT [SECONDS]; with SECONDS,
 * each row gets a fingerprint of its own, SECONDS long (random values, as many per second as Chromaprint
 * makes), as a catalog of distinct recordings has, instead of its source row's (clones compress to nothing); or
 * BigCatalog --group CATALOG NAME prints the duplicate_group of the rows of file NAME (two columns read).
 */
public class BigCatalog {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("--group")) { // --group CATALOG NAME: the duplicate_group of the rows whose file is NAME
            CatalogReader.forEach(Path.of(a[1]), CatalogSchema.CATALOG_DIR, Set.of("uri", "duplicate_group"), r -> {
                if (r.get("uri").toString().endsWith("/" + a[2])) {
                    System.out.println(r.get("duplicate_group"));
                }
            });
            return;
        }
        List<GenericRecord> rows = CatalogReader.latestRows(Path.of(a[0]));
        int n = Integer.parseInt(a[1]);
        Path out = Path.of(a[2]).resolve(CatalogSchema.CATALOG_DIR);
        Files.createDirectories(out);
        int per = 50000;
        int values = a.length > 3 ? (int) Math.round(Double.parseDouble(a[3]) * 11025.0 / 1365) : 0; // Chromaprint: a value per 1365 samples at 11025 Hz
        Random rnd = new Random(1);
        for (int part = 0; part * per < n; part++) {
            List<GenericRecord> batch = new ArrayList<>();
            for (int i = part * per; i < Math.min(n, (part + 1) * per); i++) {
                GenericData.Record r = new GenericData.Record((GenericData.Record) rows.get(i % rows.size()), true);
                r.put("uri", "file:///library/big/track-" + i + ".wav");
                r.put("file_name", "track-" + i + ".wav");
                r.put("asset_id", String.format("%064x", i));
                if (values > 0) {
                    int[] fp = new int[values];
                    for (int k = 0; k < values; k++) {
                        fp[k] = rnd.nextInt();
                    }
                    Object source = r.get("chromaprint");
                    int algorithm = source == null ? 1 : dev.audiocat.features.fingerprint.ChromaprintCodec.algorithm(source.toString());
                    r.put("chromaprint", dev.audiocat.features.fingerprint.ChromaprintCodec.encode(fp, algorithm));
                    r.put("duplicate_group", null);
                }
                batch.add(r);
            }
            CatalogFile.write(out.resolve(String.format("big-%03d.parquet", part)), rows.get(0).getSchema(), batch);
        }
        System.out.println(n + " rows cloned from the " + rows.size() + " rows of " + a[0]);
    }
}
