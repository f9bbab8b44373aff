package dev.audiocat.pipelines.catalog;

import dev.audiocat.features.AnalysisResult;
import dev.audiocat.features.decode.AudioProbe;
import dev.audiocat.features.loudness.LoudnessResult;
import dev.audiocat.features.quality.QcFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Builds catalog rows from analysis results, and dead-letter rows from failures. */
public final class CatalogRecords {

    private CatalogRecords() {
    }

    /** Provenance and source facts that the analysis itself does not know. */
    public record Source(String uri, String fileName, long modifiedMillis, String runId, String pipelineVersion) {
    }

    public static GenericRecord fromAnalysis(AnalysisResult r, Source src, long analysisTimeMillis) {
        GenericData.Record rec = new GenericData.Record(CatalogSchema.CATALOG);
        rec.put("schema_version", CatalogSchema.VERSION);
        rec.put("asset_id", r.assetId());
        rec.put("audio_id", r.audioId());
        rec.put("uri", src.uri());
        rec.put("file_name", src.fileName());
        rec.put("size_bytes", r.sizeBytes());
        rec.put("modified_time", src.modifiedMillis());
        AudioProbe p = r.probe();
        rec.put("container", p.container());
        rec.put("codec", p.codec());
        rec.put("sample_rate", p.sampleRate());
        rec.put("bit_depth", p.bitDepth());
        rec.put("channels", p.channels());
        rec.put("bit_rate", p.bitRate());
        rec.put("duration_seconds", r.durationSeconds());
        Map<String, String> tags = p.tags();
        rec.put("tags", tags);
        rec.put("title", first(tags, "title", "inam"));
        rec.put("artist", first(tags, "artist", "album_artist", "iart", "originator"));
        rec.put("album", first(tags, "album", "iprd"));
        rec.put("genre", first(tags, "genre", "ignr"));
        rec.put("isrc", first(tags, "isrc", "tsrc"));
        rec.put("description", first(tags, "description", "comment", "icmt"));
        LoudnessResult l = r.loudness();
        if (l != null) {
            rec.put("integrated_lufs", finite(l.integratedLufs()));
            rec.put("loudness_range_lu", finite(l.loudnessRangeLu()));
            rec.put("true_peak_dbtp", finite(l.truePeakDbtp()));
            rec.put("sample_peak_dbfs", finite(l.samplePeakDbfs()));
            rec.put("max_momentary_lufs", finite(l.maxMomentaryLufs()));
            rec.put("max_short_term_lufs", finite(l.maxShortTermLufs()));
        }
        if (r.qcFlags() != null) {
            Schema flagSchema = CatalogSchema.itemSchema(CatalogSchema.CATALOG, "qc_flags");
            List<GenericRecord> flags = new ArrayList<>();
            for (QcFlag f : r.qcFlags()) {
                GenericData.Record fr = new GenericData.Record(flagSchema);
                fr.put("type", f.type());
                fr.put("severity", f.severity());
                fr.put("start_seconds", f.startSeconds());
                fr.put("end_seconds", f.endSeconds());
                fr.put("detail", f.detail());
                flags.add(fr);
            }
            rec.put("qc_flags", flags);
        }
        if (r.key() != null) {
            rec.put("key_tonic", r.key().tonic());
            rec.put("key_mode", r.key().mode());
            rec.put("key_confidence", r.key().confidence());
            rec.put("tuning_hz", r.key().tuningHz());
        }
        if (r.tempo() != null) {
            rec.put("bpm", r.tempo().bpm());
            rec.put("bpm_confidence", r.tempo().confidence());
            rec.put("beat_offset_seconds", r.tempo().beatOffsetSeconds());
            rec.put("tempo_stable", r.tempo().stable());
        }
        rec.put("chromaprint", r.chromaprint());
        rec.put("pipeline_version", src.pipelineVersion());
        rec.put("analysis_time", analysisTimeMillis);
        rec.put("analysis_millis", r.analysisMillis());
        rec.put("run_id", src.runId());
        return rec;
    }

    public static GenericRecord deadLetter(String uri, String fileName, long size, String stage, String reason, String message,
            Throwable error, String runId, long timeMillis) {
        GenericData.Record rec = new GenericData.Record(CatalogSchema.DEAD_LETTER);
        rec.put("uri", uri);
        rec.put("file_name", fileName);
        rec.put("size_bytes", size);
        rec.put("stage", stage);
        rec.put("reason", reason);
        rec.put("message", message == null ? reason : message);
        rec.put("exception_class", error == null ? null : error.getClass().getName());
        rec.put("run_id", runId);
        rec.put("time", timeMillis);
        return rec;
    }

    /** A catalogued file read again and found unchanged (its bytes hash to {@code assetId}). */
    public static GenericRecord verified(String uri, long size, long modifiedMillis, String assetId, String runId, long timeMillis) {
        GenericData.Record rec = new GenericData.Record(CatalogSchema.VERIFIED);
        rec.put("uri", uri);
        rec.put("size_bytes", size);
        rec.put("modified_time", modifiedMillis);
        rec.put("asset_id", assetId);
        rec.put("run_id", runId);
        rec.put("time", timeMillis);
        return rec;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String first(Map<String, String> tags, String... keys) {
        for (String k : keys) {
            String v = tags.get(k);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
