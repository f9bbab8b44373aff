package dev.audiocat.pipelines.transforms;

import dev.audiocat.ledger.RightsSnapshot;
import dev.audiocat.ledger.RightsSummary;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Fills the rights columns of catalog rows from the license ledger: rights status, consent per
 * purpose, territories, validity, license ids, royalty split, and the ledger tree size + root hash
 * the answer came from. Assets the ledger does not know get {@code rights_status = unknown} and
 * {@code unknown} consent for every purpose (unknown is not consent).
 *
 * <p>The ledger is read once, when the transform is built ({@link #fromLedger}), into a
 * {@link RightsSnapshot} pinned to one tree head and one instant; the snapshot travels with the
 * DoFn, so every worker answers from the same checkpoint and none touches the ledger. Looks rows up
 * by {@code asset_id}, then by {@code audio_id} (the same audio in another container).
 */
public final class JoinRights extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {
    private static final long serialVersionUID = 1L;

    private final RightsSnapshot snapshot;

    private JoinRights(RightsSnapshot snapshot) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    /** Joins against an already loaded snapshot. */
    public static JoinRights from(RightsSnapshot snapshot) {
        return new JoinRights(snapshot);
    }

    /**
     * Loads the ledger at {@code location} (a folder or {@code s3://bucket/prefix}), verifying its
     * hash chain, and summarises it at its current head, now.
     */
    public static JoinRights fromLedger(String location) {
        try {
            return new JoinRights(RightsSnapshot.load(location));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the license ledger at " + location + ": " + e.getMessage()
                    + " (check --ledger; 'audiocat ledger verify --ledger " + location + "' explains damage)", e);
        }
    }

    public RightsSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public PCollection<GenericRecord> expand(PCollection<GenericRecord> rows) {
        return rows.apply("FillRights", ParDo.of(new JoinFn(snapshot)))
                .setCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG));
    }

    static final class JoinFn extends DoFn<GenericRecord, GenericRecord> {
        private static final long serialVersionUID = 1L;
        private final RightsSnapshot snapshot;
        private final Counter known = Metrics.counter(JoinRights.class, "rights_known");
        private final Counter unknown = Metrics.counter(JoinRights.class, "rights_unknown");

        JoinFn(RightsSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        @ProcessElement
        public void process(@Element GenericRecord row, OutputReceiver<GenericRecord> out) {
            Object audio = row.get("audio_id");
            RightsSummary s = snapshot.summarize(row.get("asset_id").toString(), audio == null ? null : audio.toString());
            (s.known() ? known : unknown).inc();
            out.output(apply(row, s));
        }
    }

    /** A copy of {@code row} with the rights columns set from {@code s}. */
    public static GenericRecord apply(GenericRecord row, RightsSummary s) {
        GenericData.Record r = new GenericData.Record((GenericData.Record) row, true);
        r.put("rights_status", s.rightsStatus());
        r.put("consent_catalog", s.consent().get("catalog"));
        r.put("consent_commercial_license", s.consent().get("commercial_license"));
        r.put("consent_ai_training", s.consent().get("ai_training"));
        r.put("consent_ai_generative_training", s.consent().get("ai_generative_training"));
        r.put("territories", new ArrayList<>(s.territories()));
        r.put("rights_valid_from", s.validFrom() == null ? null : s.validFrom().toEpochMilli());
        r.put("rights_valid_until", s.validUntil() == null ? null : s.validUntil().toEpochMilli());
        r.put("license_ids", new ArrayList<>(s.licenseIds()));
        Schema share = CatalogSchema.itemSchema(CatalogSchema.CATALOG, "royalty_split");
        List<GenericRecord> shares = new ArrayList<>(s.royaltySplit().size());
        for (RightsSummary.Share sh : s.royaltySplit()) {
            GenericData.Record x = new GenericData.Record(share);
            x.put("party_id", sh.partyId());
            x.put("party_name", sh.partyName());
            x.put("role", sh.role());
            x.put("right_type", sh.rightType());
            x.put("share", sh.share());
            shares.add(x);
        }
        r.put("royalty_split", shares);
        r.put("ledger_tree_size", s.treeSize());
        r.put("ledger_root_hash", s.rootHash());
        return r;
    }
}
