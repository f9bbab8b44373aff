package dev.audiocat.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.search.Facet;
import dev.audiocat.search.SearchQuery;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Command-line parsing of {@code audiocat search} into a query (no Elasticsearch needed). */
class SearchCommandTest {

    private static SearchQuery parse(String... args) throws Exception {
        SearchCommand c = new SearchCommand();
        new CommandLine(c).parseArgs(args);
        return c.query();
    }

    @Test
    void rangesAcceptClosedAndOpenEnds() {
        assertArrayEquals(new double[] {120, 128}, SearchCommand.range("--bpm", "120-128"));
        double[] open = SearchCommand.range("--bpm", "120-");
        assertEquals(120, open[0]);
        assertTrue(Double.isNaN(open[1]));
        assertTrue(Double.isNaN(SearchCommand.range("--bpm", "-90")[0]));
        assertArrayEquals(new double[] {100, 100}, SearchCommand.range("--bpm", "100"));
        assertNull(SearchCommand.range("--bpm", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchCommand.range("--duration", "1-2-3"));
        assertTrue(e.getMessage().startsWith("--duration 1-2-3"), e.getMessage());
    }

    @Test
    void optionsBecomeFilters() throws Exception {
        SearchQuery q = parse("night", "drive", "--key", "A minor", "--bpm", "120-128", "--instrument", "drums",
                "--instrument", "synth", "--consent", "ai-training=allowed", "--filter", "qc=clipping", "-k", "5");
        assertEquals("night drive", q.text());
        assertEquals(List.of("A minor"), q.filters().get(Facet.KEY));
        assertEquals(List.of("drums", "synth"), q.filters().get(Facet.INSTRUMENTS));
        assertEquals(List.of("allowed"), q.filters().get(Facet.CONSENT_AI_TRAINING));
        assertEquals(List.of("clipping"), q.filters().get(Facet.QC));
        assertEquals(120.0, q.bpmMin());
        assertEquals(128.0, q.bpmMax());
        assertEquals(5, q.k());
    }

    @Test
    void badValuesNameTheOption() {
        IllegalArgumentException purpose = assertThrows(IllegalArgumentException.class, () -> parse("--consent", "radio=allowed"));
        assertTrue(purpose.getMessage().contains("unknown purpose"), purpose.getMessage());
        IllegalArgumentException facet = assertThrows(IllegalArgumentException.class, () -> parse("--filter", "colour=red"));
        assertTrue(facet.getMessage().contains("unknown facet"), facet.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("--like-file", "/nonexistent/clip.wav"));
        assertThrows(CommandLine.MutuallyExclusiveArgsException.class, () -> parse("--like", "abc", "--like-file", "x.wav"));
    }
}
