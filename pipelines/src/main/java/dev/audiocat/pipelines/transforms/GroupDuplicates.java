package dev.audiocat.pipelines.transforms;

import dev.audiocat.features.fingerprint.ChromaprintCodec;
import dev.audiocat.features.fingerprint.DuplicateGrouper;
import dev.audiocat.pipelines.catalog.CatalogReader;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Fills {@code duplicate_group}: files of this run that are exact or near duplicates (Chromaprint,
 * {@link DuplicateGrouper}) of each other or of files already in the catalog share a group id. A file
 * that joins an earlier row which already has a group takes that group's id (the smallest, if it joins
 * several); otherwise the id is the {@code asset_id} of the new group's first member by URI, so ids stay
 * stable across runs. Files without a duplicate keep a null group.
 *
 * <p>Only this run's fingerprints are held and indexed ({@link DuplicateGrouper#index}); the catalog's
 * earlier rows are read one at a time from its Parquet files (five columns of them) and matched against
 * that index, and only the matching ones are held ({@link CatalogReader#latestWhere}). The decoding and the
 * lookups, which are the cost, run on as many threads as the machine has cores. Memory grows with the
 * run and its matches, and the time with the catalog's size: an ingest of one file into
 * a catalog of 200,000 rows no longer carries all their fingerprints through the pipeline (docs/benchmarks.md).
 * Rows written by earlier runs are not rewritten: they get a group when re-analysed with {@code --redo}.
 */
public final class GroupDuplicates extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {

    public static final String STAGE = "GroupDuplicates";

    /** The catalog's Parquet files when the run was built: earlier runs' rows. */
    private final List<String> catalogFiles;

    private GroupDuplicates(List<String> catalogFiles) {
        this.catalogFiles = catalogFiles;
    }

    /** Groups this run's rows with each other and with the rows already in {@code catalogFolder}. */
    public static GroupDuplicates against(Path catalogFolder) {
        return new GroupDuplicates(CatalogReader.files(catalogFolder, CatalogSchema.CATALOG_DIR).stream().map(Path::toString).toList());
    }

    @Override
    public PCollection<GenericRecord> expand(PCollection<GenericRecord> rows) {
        KvCoder<String, String> kv = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
        PCollectionView<Map<String, String>> current = rows.apply("Fingerprints", ParDo.of(new DoFn<GenericRecord, KV<String, String>>() {
            private static final long serialVersionUID = 1L;

            @ProcessElement
            public void process(@Element GenericRecord r, OutputReceiver<KV<String, String>> out) {
                Object cp = r.get("chromaprint");
                if (cp != null) {
                    out.output(KV.of(r.get("uri").toString(), r.get("asset_id") + " " + cp));
                }
            }
        })).setCoder(kv).apply("AsMap", View.asMap());
        List<String> files = catalogFiles;
        PCollectionView<Map<String, String>> groups = rows.getPipeline()
                .apply("Once", Create.of("group"))
                .apply("Group", ParDo.of(new DoFn<String, KV<String, String>>() {
                    private static final long serialVersionUID = 1L;

                    @ProcessElement
                    public void process(ProcessContext c) {
                        group(c.sideInput(current), files).forEach((uri, id) -> c.output(KV.of(uri, id)));
                    }
                }).withSideInputs(current))
                .setCoder(kv)
                .apply("GroupsAsMap", View.asMap());
        return rows.apply("SetGroup", ParDo.of(new DoFn<GenericRecord, GenericRecord>() {
            private static final long serialVersionUID = 1L;
            private final Counter grouped = Metrics.counter(STAGE, "grouped");

            @ProcessElement
            public void process(ProcessContext c) {
                GenericRecord r = c.element();
                String group = c.sideInput(groups).get(r.get("uri").toString());
                if (group == null) {
                    c.output(r);
                    return;
                }
                GenericData.Record copy = new GenericData.Record((GenericData.Record) r, true);
                copy.put("duplicate_group", group);
                grouped.inc();
                c.output(copy);
            }
        }).withSideInputs(groups)).setCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG));
    }

    /**
     * This run's groups: {@code byUri} holds this run's rows as uri → "asset_id chromaprint"; {@code files}
     * are the catalog files of earlier runs, whose latest row per URI is matched (URIs this run re-analysed
     * are left to their new row).
     *
     * @return uri → group id, for this run's URIs that have a duplicate
     */
    static Map<String, String> group(Map<String, String> byUri, List<String> files) {
        Map<String, int[]> prints = new TreeMap<>();
        Map<String, String> assetOf = new HashMap<>();
        byUri.forEach((uri, v) -> {
            int sp = v.indexOf(' ');
            assetOf.put(uri, v.substring(0, sp));
            try {
                prints.put(uri, ChromaprintCodec.decode(v.substring(sp + 1)));
            } catch (IllegalArgumentException bad) {
                // a damaged fingerprint cannot be grouped; the asset keeps its own identity
            }
        });
        Map<String, String> parent = new HashMap<>();
        DuplicateGrouper grouper = new DuplicateGrouper();
        grouper.group(prints).forEach((uri, root) -> union(parent, uri, root));
        Map<String, String> storedGroup = new HashMap<>(); // earlier rows that joined: their group id, if any
        if (!files.isEmpty() && !prints.isEmpty()) {
            DuplicateGrouper.Index index = grouper.index(prints);
            // only the earlier rows that match hold memory; the catalog is read one row at a time
            // each matching row's duplicates, found once (by row identity: the rows kept are these objects)
            Map<GenericRecord, List<String>> duplicates = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
            Map<String, GenericRecord> matching = CatalogReader.latestWhere(files.stream().map(Path::of).toList(),
                    Set.of("asset_id", "chromaprint", "duplicate_group"), r -> {
                        if (byUri.containsKey(r.get("uri").toString())) {
                            return false;
                        }
                        List<String> d = duplicatesOf(index, r.get("chromaprint"));
                        if (d.isEmpty()) {
                            return false;
                        }
                        duplicates.put(r, d);
                        return true;
                    }, Runtime.getRuntime().availableProcessors()); // decoding every earlier print is the cost: spread it
            matching.forEach((uri, r) -> {
                for (String m : duplicates.get(r)) {
                    union(parent, uri, m);
                }
                assetOf.put(uri, r.get("asset_id").toString());
                Object g = r.get("duplicate_group");
                if (g != null) {
                    storedGroup.put(uri, g.toString());
                }
            });
        }
        // per component: the smallest group id an earlier member already has, else the first member's asset
        Map<String, List<String>> members = new TreeMap<>();
        for (String uri : parent.keySet()) {
            members.computeIfAbsent(find(parent, uri), k -> new ArrayList<>()).add(uri);
        }
        Map<String, String> out = new TreeMap<>();
        for (List<String> component : members.values()) {
            if (component.size() < 2) {
                continue;
            }
            String first = component.stream().min(String::compareTo).orElseThrow();
            String id = component.stream().map(storedGroup::get).filter(g -> g != null).min(String::compareTo).orElse(assetOf.get(first));
            for (String uri : component) {
                if (byUri.containsKey(uri)) {
                    out.put(uri, id);
                }
            }
        }
        return out;
    }

    /** This run's URIs that {@code chromaprint} (an earlier row's, or null) duplicates; none for a damaged print. */
    private static List<String> duplicatesOf(DuplicateGrouper.Index index, Object chromaprint) {
        if (chromaprint == null) {
            return List.of();
        }
        try {
            return index.duplicatesOf(ChromaprintCodec.decode(chromaprint.toString()));
        } catch (IllegalArgumentException bad) {
            return List.of();
        }
    }

    private static String find(Map<String, String> parent, String x) {
        String p = parent.getOrDefault(x, x);
        while (!p.equals(x)) {
            String next = parent.getOrDefault(p, p);
            parent.put(x, next);
            x = p;
            p = next;
        }
        return x;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(ra.compareTo(rb) < 0 ? rb : ra, ra.compareTo(rb) < 0 ? ra : rb);
        }
    }
}
