package dev.audiocat.pipelines.transforms;

import dev.audiocat.features.fingerprint.DuplicateGrouper;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Fills {@code duplicate_group}: files of this run that are exact or near duplicates (Chromaprint,
 * {@link DuplicateGrouper}) of each other or of files already in the catalog share a group id, the
 * {@code asset_id} of the group's first member by URI, so the id is stable across runs. Files without
 * a duplicate keep a null group.
 *
 * <p>The grouping needs every fingerprint at once, so it runs as one step over the whole run (a
 * Chromaprint of 120 s is ~4 KB: a million fingerprints fit one worker). Rows written by earlier runs
 * are not rewritten: they get their group when re-analysed with {@code --redo}.
 */
public final class GroupDuplicates extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {

    public static final String STAGE = "GroupDuplicates";

    /** uri → "asset_id chromaprint" of catalog rows from earlier runs. */
    private final Map<String, String> catalogued;

    private GroupDuplicates(Map<String, String> catalogued) {
        this.catalogued = catalogued;
    }

    /**
     * @param earlierRows catalog rows from earlier runs (their {@code uri}, {@code asset_id}, {@code chromaprint})
     */
    public static GroupDuplicates against(List<GenericRecord> earlierRows) {
        Map<String, String> known = new HashMap<>();
        for (GenericRecord r : earlierRows) {
            Object cp = r.get("chromaprint");
            if (cp != null) {
                known.put(r.get("uri").toString(), r.get("asset_id") + " " + cp);
            }
        }
        return new GroupDuplicates(known);
    }

    private static String newest(Iterable<String> values) {
        String best = null;
        for (String v : values) {
            if (best == null || v.compareTo(best) > 0) {
                best = v;
            }
        }
        return best;
    }

    @Override
    public PCollection<GenericRecord> expand(PCollection<GenericRecord> rows) {
        KvCoder<String, String> kv = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
        PCollection<KV<String, String>> current = rows.apply("Fingerprints", ParDo.of(new DoFn<GenericRecord, KV<String, String>>() {
            private static final long serialVersionUID = 1L;

            @ProcessElement
            public void process(@Element GenericRecord r, OutputReceiver<KV<String, String>> out) {
                Object cp = r.get("chromaprint");
                if (cp != null) {
                    out.output(KV.of(r.get("uri").toString(), "1 " + r.get("asset_id") + " " + cp));
                }
            }
        })).setCoder(kv);
        Map<String, String> tagged = new HashMap<>();
        catalogued.forEach((uri, v) -> tagged.put(uri, "0 " + v));
        PCollection<KV<String, String>> earlier = rows.getPipeline()
                .apply("CataloguedFingerprints", Create.of(tagged).withCoder(kv));
        // one entry per URI: this run's ("1 ...") wins over an earlier run's ("0 ...") when the file changed
        PCollectionView<Map<String, String>> all = PCollectionList.of(current).and(earlier)
                .apply("AllFingerprints", Flatten.pCollections())
                .apply("OnePerUri", Combine.<String, String>perKey(GroupDuplicates::newest))
                .apply("AsMap", View.asMap());
        PCollectionView<Map<String, String>> groups = rows.getPipeline()
                .apply("Once", Create.of("group"))
                .apply("Group", ParDo.of(new DoFn<String, KV<String, String>>() {
                    private static final long serialVersionUID = 1L;

                    @ProcessElement
                    public void process(ProcessContext c) {
                        Map<String, String> byUri = c.sideInput(all);
                        Map<String, String> prints = new HashMap<>();
                        Map<String, String> assetOf = new HashMap<>();
                        byUri.forEach((uri, tagged) -> {
                            String v = tagged.substring(2);
                            int sp = v.indexOf(' ');
                            assetOf.put(uri, v.substring(0, sp));
                            prints.put(uri, v.substring(sp + 1));
                        });
                        // group ids come back as the smallest member URI; the catalog shows that member's asset id
                        new DuplicateGrouper().groupCompressed(prints).forEach((uri, rootUri) -> c.output(KV.of(uri, assetOf.get(rootUri))));
                    }
                }).withSideInputs(all))
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
}
