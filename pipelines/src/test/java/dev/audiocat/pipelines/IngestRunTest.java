package dev.audiocat.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.pipelines.transforms.TagWithModels;
import java.util.List;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Which S3 objects a re-run analyses: changed ones, new ones, and with --retag those other models tagged. */
class IngestRunTest {

    private static GenericRecord row(String uri, long size, long modified, List<String> models) {
        GenericData.Record r = new GenericData.Record(CatalogSchema.CATALOG);
        r.put("uri", uri);
        r.put("size_bytes", size);
        r.put("modified_time", modified);
        r.put("model_versions", models);
        return r;
    }

    @Test
    void unchangedObjectsAreLeftOutUnlessTheirRowDoesNotStand() {
        List<String> current = List.of("audiocat-tagger@1.3.0", "audiocat-mood-descriptors@1.0.0");
        List<GenericRecord> rows = List.of(
                row("s3://b/same.wav", 100, 5, current),
                row("s3://b/old-model.wav", 100, 5, List.of("audiocat-tagger@1.1.0", "audiocat-mood-descriptors@1.0.0")),
                row("s3://b/untagged.wav", 100, 5, null),
                row("s3://b/changed.wav", 100, 5, current));
        List<AudioFile> listed = List.of(
                new AudioFile("s3://b/same.wav", null, 100, 5),
                new AudioFile("s3://b/old-model.wav", null, 100, 5),
                new AudioFile("s3://b/untagged.wav", null, 100, 5),
                new AudioFile("s3://b/changed.wav", null, 100, 6),
                new AudioFile("s3://b/new.wav", null, 100, 5));
        Predicate<GenericRecord> always = r -> true;
        assertEquals(List.of("s3://b/changed.wav", "s3://b/new.wav"),
                IngestRun.unchangedObjectsLeftOut(listed, rows, always).stream().map(AudioFile::uri).toList());
        Predicate<GenericRecord> retag = r -> TagWithModels.taggedBy(r, current);
        assertEquals(List.of("s3://b/old-model.wav", "s3://b/untagged.wav", "s3://b/changed.wav", "s3://b/new.wav"),
                IngestRun.unchangedObjectsLeftOut(listed, rows, retag).stream().map(AudioFile::uri).toList());
    }
}
