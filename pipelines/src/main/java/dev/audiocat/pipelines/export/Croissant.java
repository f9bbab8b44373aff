package dev.audiocat.pipelines.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.audiocat.ledger.License;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code croissant.json} of an export: an MLCommons Croissant 1.0 description (schema.org
 * Dataset + the {@code cr:} vocabulary) with the package's files (SHA-256 each), the audio file set,
 * and one record set "clips" whose fields come from {@code metadata/clips.csv}.
 */
final class Croissant {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Croissant() {
    }

    /** The recommended context of the Croissant 1.0 specification (its appendix 1). */
    static Map<String, Object> context() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("@language", "en");
        c.put("@vocab", "https://schema.org/");
        c.put("citeAs", "cr:citeAs");
        c.put("column", "cr:column");
        c.put("conformsTo", "dct:conformsTo");
        c.put("cr", "http://mlcommons.org/croissant/");
        c.put("rai", "http://mlcommons.org/croissant/RAI/");
        c.put("data", Map.of("@id", "cr:data", "@type", "@json"));
        c.put("dataType", Map.of("@id", "cr:dataType", "@type", "@vocab"));
        c.put("dct", "http://purl.org/dc/terms/");
        c.put("examples", Map.of("@id", "cr:examples", "@type", "@json"));
        c.put("extract", "cr:extract");
        c.put("field", "cr:field");
        c.put("fileProperty", "cr:fileProperty");
        c.put("fileObject", "cr:fileObject");
        c.put("fileSet", "cr:fileSet");
        c.put("format", "cr:format");
        c.put("includes", "cr:includes");
        c.put("isLiveDataset", "cr:isLiveDataset");
        c.put("jsonPath", "cr:jsonPath");
        c.put("key", "cr:key");
        c.put("md5", "cr:md5");
        c.put("parentField", "cr:parentField");
        c.put("path", "cr:path");
        c.put("recordSet", "cr:recordSet");
        c.put("references", "cr:references");
        c.put("regex", "cr:regex");
        c.put("repeated", "cr:repeated");
        c.put("replace", "cr:replace");
        c.put("sc", "https://schema.org/");
        c.put("separator", "cr:separator");
        c.put("source", "cr:source");
        c.put("subField", "cr:subField");
        c.put("transform", "cr:transform");
        return c;
    }

    /** @param sha256Of the SHA-256 of a package file by its relative path */
    static String json(TrainingSetExport.Request req, License license, TrainingSetExport.Result r,
            java.util.function.Function<String, String> sha256Of) throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("@context", context());
        d.put("@type", "sc:Dataset");
        d.put("conformsTo", "http://mlcommons.org/croissant/1.0");
        d.put("name", req.displayName());
        d.put("description", "Consent-checked " + req.purpose().wire() + " set for licensee " + license.licensee() + " in "
                + req.territory() + ", exported by audiocat (export " + r.exportId() + "; ledger tree size " + r.treeSize()
                + ", root " + r.rootHash() + "). " + r.included().size() + " clips; see DATASET_CARD.md.");
        d.put("license", "license " + license.id() + (license.terms() == null ? "" : ": " + license.terms()));
        if (dev.audiocat.pipelines.S3Library.isS3(r.out())) {
            d.put("url", r.out());
        }
        d.put("version", "1.0.0");
        d.put("datePublished", req.at().toString());
        d.put("identifier", r.exportId());

        List<Object> distribution = new ArrayList<>();
        distribution.add(file("clips.csv", "metadata/clips.csv", "text/csv", sha256Of));
        distribution.add(file("catalog.parquet", "metadata/catalog.parquet", "application/x-parquet", sha256Of));
        distribution.add(file("excluded.csv", "metadata/excluded.csv", "text/csv", sha256Of));
        Map<String, Object> audio = new LinkedHashMap<>();
        audio.put("@type", "cr:FileSet");
        audio.put("@id", "audio-files");
        audio.put("name", "audio-files");
        audio.put("description", "The clips' audio, byte for byte as catalogued; named by asset id (SHA-256 of the bytes).");
        audio.put("encodingFormat", "audio/*");
        audio.put("includes", "audio/*");
        distribution.add(audio);
        d.put("distribution", distribution);

        List<Object> fields = new ArrayList<>();
        fields.add(field("file", "sc:Text", "path of the clip in the package"));
        fields.add(field("asset_id", "sc:Text", "SHA-256 of the clip's bytes (its audiocat asset id)"));
        fields.add(field("duration_seconds", "sc:Float", "duration of the clip"));
        fields.add(field("consent_id", "sc:Text", "the ledger consent that allowed this use"));
        fields.add(field("consent_evidence_sha256", "sc:Text", "SHA-256 of the signed consent document"));
        fields.add(field("license_ids", "sc:Text", "licenses in force for the clip, ';'-separated"));
        fields.add(field("royalty_split", "sc:Text", "right_type:party:role:share entries in force, ';'-separated"));
        Map<String, Object> rs = new LinkedHashMap<>();
        rs.put("@type", "cr:RecordSet");
        rs.put("@id", "clips");
        rs.put("name", "clips");
        rs.put("key", Map.of("@id", "clips/asset_id"));
        rs.put("field", fields);
        d.put("recordSet", List.of(rs));
        try {
            return JSON.writeValueAsString(d) + "\n";
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write croissant.json: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> file(String id, String path, String format, java.util.function.Function<String, String> sha256Of) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("@type", "cr:FileObject");
        f.put("@id", id);
        f.put("name", id);
        f.put("contentUrl", path);
        f.put("encodingFormat", format);
        f.put("sha256", sha256Of.apply(path));
        return f;
    }

    private static Map<String, Object> field(String name, String type, String description) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("@type", "cr:Field");
        f.put("@id", "clips/" + name);
        f.put("name", name);
        f.put("description", description);
        f.put("dataType", type);
        f.put("source", Map.of("fileObject", Map.of("@id", "clips.csv"), "extract", Map.of("column", name)));
        return f;
    }
}
