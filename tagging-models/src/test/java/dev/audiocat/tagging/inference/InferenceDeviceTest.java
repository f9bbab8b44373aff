package dev.audiocat.tagging.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceDeviceTest {

    @Test
    void parsesDevicesAndNamesBadValues() {
        assertEquals(InferenceDevice.CPU, InferenceDevice.parse("cpu"));
        assertEquals(new InferenceDevice(true, 0), InferenceDevice.parse("cuda"));
        assertEquals(new InferenceDevice(true, 3), InferenceDevice.parse("CUDA:3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceDevice.parse("cuda:x"));
        assertTrue(e.getMessage().contains("cuda:x"));
        assertThrows(IllegalArgumentException.class, () -> InferenceDevice.parse("tpu"));
    }

    @Test
    void cudaWithoutTheGpuBuildFallsBackToCpuWithAMessage() {
        List<String> warnings = new ArrayList<>();
        InferenceDevice d = OrtRuntime.resolve(new InferenceDevice(true, 1), warnings::add);
        if (OrtRuntime.providers().contains(OrtProvider.CUDA)) {
            assertEquals(new InferenceDevice(true, 1), d);
            return;
        }
        assertFalse(d.cuda());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("CPU") && warnings.get(0).contains("-Dgpu"), warnings.get(0));
    }
}
