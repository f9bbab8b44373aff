package dev.audiocat.tagging.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.audiocat.tagging.Labels;
import dev.audiocat.tagging.frontend.FrontEndSpec;
import dev.audiocat.tagging.inference.InferenceDevice;
import dev.audiocat.tagging.inference.OnnxModel;
import dev.audiocat.tagging.inference.PatchBatch;
import dev.audiocat.tagging.registry.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reproducible training of the shipped tagger: renders the corpus (fluidsynth + FluidR3_GM and
 * MuseScore General, espeak-ng, synthetic noise), trains with DJL/PyTorch, writes the ONNX graph and
 * its card, checks that ONNX Runtime reproduces DJL's outputs, and measures the held-out soundfont
 * (TimGM6mb, never used in training).
 *
 * <pre>mvn -B -pl tagging-models -Ptrain compile exec:java -Dmodels.args="--models DIR"</pre>
 */
public final class TrainMain {

    public static final String MODEL_ID = "audiocat-tagger";

    public static void main(String[] args) throws Exception {
        // Training pins the pure-Java frame FFT (JTransforms: Java 17's float arithmetic is the same on every
        // CPU), so that a retrain reproduces the shipped weights bit for bit on any machine; FFmpeg's av_tx,
        // the runtime's default (dsp.RealFft), picks its SIMD code per CPU and may round differently.
        if (System.getProperty("audiocat.fft") == null) {
            System.setProperty("audiocat.fft", "java");
        }
        Map<String, String> a = parse(args);
        Path work = Path.of(a.getOrDefault("out", System.getProperty("audiocat.home", System.getProperty("user.home") + "/.audiocat") + "/models-train"));
        Path models = Path.of(a.getOrDefault("models", "src/main/resources/models"));
        long seed = Long.parseLong(a.getOrDefault("seed", "20261122"));
        int clipsPerFont = Integer.parseInt(a.getOrDefault("clips", "1200"));
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "10"));
        // filters per stage times this: 2 since 1.4.0 (32-64-128-256); 1 = the network of 1.0.0-1.3.0 (16-32-64-128)
        double width = Double.parseDouble(a.getOrDefault("width", "2"));
        int speech = Integer.parseInt(a.getOrDefault("speech", "500"));
        int other = Integer.parseInt(a.getOrDefault("other", "300"));
        String version = a.getOrDefault("version", "1.4.0");
        // experimental (not shipped, see docs/models.md): publish [learned, weight x z-scored log-mel statistics]
        double melStatsWeight = Double.parseDouble(a.getOrDefault("melstats-weight", "0"));
        // real-music pairs per training step for the contrastive term (RealMusicCorpus); 0 = off (the 1.1.0 training)
        int realPerStep = Integer.parseInt(a.getOrDefault("real-music", "0"));
        // experimental (not shipped, see docs/benchmarks.md): SpecAugment masks on the training patches; off = the 1.1.0 training
        boolean specAugment = onOff(a.getOrDefault("spec-augment", "off"), "spec-augment");
        // experimental (not shipped, see docs/benchmarks.md): share of training clips band-limited by Augment
        // (low-pass 3.5-10 kHz, a quarter of them also high-pass 80-300 Hz); 0 = off (the 1.1.0 training)
        double bandLimit = Double.parseDouble(a.getOrDefault("band-limit", "0"));
        if (!(bandLimit >= 0 && bandLimit <= 1)) {
            throw new IllegalArgumentException("--band-limit must be a probability in [0, 1], got " + bandLimit);
        }
        int heldClips = Integer.parseInt(a.getOrDefault("heldout-clips", "400"));
        int heldSpeechCount = Integer.parseInt(a.getOrDefault("heldout-speech", "100"));
        Path fluid = Path.of(a.getOrDefault("fluid-sf", "/usr/share/sounds/sf2/FluidR3_GM.sf2"));
        Path muse = Path.of(a.getOrDefault("musescore-sf", "/usr/share/sounds/sf3/MuseScore_General.sf3"));
        Path heldOut = Path.of(a.getOrDefault("heldout-sf", "/usr/share/sounds/sf2/TimGM6mb.sf2"));
        // a third training soundfont: the Csound GM bank (Debian csound-soundfont, public domain; 1.2.0's training, session 7's
        // s7m recipe); "none" = without it (1.1.0 was trained without it)
        String extraArg = a.getOrDefault("extra-soundfont", "/usr/share/sounds/sf2/sf_GMbank.sf2");
        Path extra = extraArg.equals("none") ? null : Path.of(extraArg);
        List<Path> fonts = new ArrayList<>(List.of(fluid, muse, heldOut));
        if (extra != null) {
            if (extra.equals(heldOut)) {
                throw new IllegalArgumentException("--extra-soundfont must not be the held-out soundfont " + heldOut);
            }
            fonts.add(extra);
        }
        for (Path sf : fonts) {
            if (!Files.isRegularFile(sf)) {
                throw new IllegalArgumentException(sf.equals(extra)
                        ? "--extra-soundfont " + sf + " is missing (the Csound GM bank: apt-get install csound-soundfont, or scripts/tools.sh ensure_train_tools)"
                        : "soundfont " + sf + " is missing: apt-get install fluid-soundfont-gm musescore-general-soundfont timgm6mb-soundfont");
            }
        }
        // a fourth timbre source, freepats (GUS patches of recorded instruments, Debian freepats) rendered with timidity: clips
        // and one-shots as for --extra-soundfont, drawn only from the programs and drum set the patch set has; on in 1.2.0's
        // training (session 10, s10d), off = without it
        boolean freepats = onOff(a.getOrDefault("freepats", "on"), "freepats");
        Path freepatsCfg = Path.of(a.getOrDefault("freepats-cfg", "/etc/timidity/freepats.cfg"));
        // N drum-only clips per AVL kit (Debian avldrums.lv2-soundfont: two recorded acoustic kits, CC-BY-SA-3.0); 150 in
        // 1.2.0's training, 0 = off
        int avlDrums = Integer.parseInt(a.getOrDefault("avl-drums", "150"));
        List<Path> avlKits = avlDrums <= 0 ? List.of() : AVL_KITS;
        if (freepats && !Files.isRegularFile(freepatsCfg)) {
            throw new IllegalArgumentException("--freepats on: " + freepatsCfg + " is missing (apt-get install timidity freepats, "
                    + "or scripts/tools.sh ensure_train_tools)");
        }
        for (Path kit : avlKits) {
            if (!Files.isRegularFile(kit)) {
                throw new IllegalArgumentException("--avl-drums: " + kit + " is missing (apt-get install avldrums.lv2-soundfont, "
                        + "or scripts/tools.sh ensure_train_tools)");
            }
        }
        MidiCorpus.checkTool("fluidsynth");
        MidiCorpus.checkTool("espeak-ng");
        if (freepats) {
            MidiCorpus.checkTool("timidity");
        }
        Files.createDirectories(work);
        ClipCache.preload(dev.audiocat.features.dsp.FrameDispatcher.class, FrontEndSpec.class, TrainMain.class);
        long t0 = System.nanoTime();

        // 1. corpus: both training soundfonts render in parallel (one fluidsynth process each)
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            // daemon threads: a failure in the main thread ends the run instead of leaving the
            // renderers holding the JVM (and Maven's exec:java waiting for them) open
            Thread t = new Thread(r, "render");
            t.setDaemon(true);
            return t;
        });
        Future<List<Clip>> fFluid = renderCached(pool, work, () -> new MidiCorpus(fluid, work), "fluidr3", clipsPerFont, seed + 1, 0.2, 0.15);
        Future<List<Clip>> fMuse = renderCached(pool, work, () -> new MidiCorpus(muse, work), "musescore", clipsPerFont, seed + 2, 0.2, 0.15);
        Future<List<Clip>> fHeld = renderCached(pool, work, () -> new MidiCorpus(heldOut, work), "timgm6mb", heldClips, seed + 3, 0.2, 0.3);
        int shots = Integer.parseInt(a.getOrDefault("one-shots", "600")); // 1.1.0: 300
        Future<List<Clip>> fShotsFluid = renderCached(pool, work, () -> new MidiCorpus(fluid, work).withOneShotDrumShare(0.5),
                "shots-fluidr3", shots, seed + 13, 1.0, 0);
        Future<List<Clip>> fShotsMuse = renderCached(pool, work, () -> new MidiCorpus(muse, work).withOneShotDrumShare(0.5),
                "shots-musescore", shots, seed + 14, 1.0, 0);
        String extraName = extra == null ? null : "extra-" + extra.getFileName().toString().replaceAll("\\.sf[23]$", "").toLowerCase(java.util.Locale.ROOT);
        Future<List<Clip>> fExtra = extra == null ? null
                : renderCached(pool, work, () -> new MidiCorpus(extra, work), extraName, clipsPerFont, seed + 15, 0.2, 0.15);
        Future<List<Clip>> fShotsExtra = extra == null ? null
                : renderCached(pool, work, () -> new MidiCorpus(extra, work).withOneShotDrumShare(0.5), "shots-" + extraName, shots, seed + 16, 1.0, 0);
        // drum-only clips (one-shots of every percussion key, loops) with every percussion preset of each training soundfont;
        // 300 in 1.2.0's training, 0 = off (1.1.0 had none)
        int drumClips = Integer.parseInt(a.getOrDefault("drum-clips", "300"));
        List<Future<List<Clip>>> fDrums = new ArrayList<>();
        if (drumClips > 0) {
            List<Path> trainFonts = new ArrayList<>(List.of(fluid, muse));
            List<String> names = new ArrayList<>(List.of("fluidr3", "musescore"));
            if (extra != null) {
                trainFonts.add(extra);
                names.add(extraName);
            }
            for (int f = 0; f < trainFonts.size(); f++) {
                Path sf = trainFonts.get(f);
                String name = "drums-" + names.get(f);
                long s = seed + 17 + f;
                fDrums.add(renderCached(pool, work, () -> new MidiCorpus(sf, work).withDrumOnly(MidiCorpus.drumKits(sf)), name, drumClips, s, 0, 0));
            }
        }
        // both freepats corpora are made here, before any render starts: each writes the same timidity configuration
        MidiCorpus freeClips = freepats ? MidiCorpus.timidity(freepatsCfg, work) : null;
        MidiCorpus freeShots = freepats ? MidiCorpus.timidity(freepatsCfg, work).withOneShotDrumShare(0.5) : null;
        Future<List<Clip>> fFree = !freepats ? null : renderCached(pool, work, () -> freeClips, "freepats", clipsPerFont, seed + 21, 0.2, 0.15);
        Future<List<Clip>> fShotsFree = !freepats ? null : renderCached(pool, work, () -> freeShots, "shots-freepats", shots, seed + 22, 1.0, 0);
        // after the soundfonts' drum-only clips: the AVL kits' clips join the same list, in this order
        for (int k = 0; k < avlKits.size(); k++) {
            Path kit = avlKits.get(k);
            String name = "drums-avl-" + kit.getFileName().toString().replaceAll("\\.sf2$", "").toLowerCase(Locale.ROOT);
            long s = seed + 23 + k;
            // the kit is a melodic preset (bank 0, program 0, keyed like GM drums): played on MIDI channel index 0, not on the percussion channel 9
            fDrums.add(renderCached(pool, work, () -> new MidiCorpus(kit, work).withDrumOnly(new int[] {0}).withDrumOnlyChannel(0),
                    name, avlDrums, s, 0, 0));
        }
        List<Clip> speechClips;
        List<Clip> heldSpeech;
        List<Clip> music;
        List<Clip> shotClips;
        List<Clip> held;
        try {
            speechClips = ClipCache.get(work, "speech-" + speech + "-" + (seed + 4), () -> new SpeechCorpus(work).render("train", speech, seed + 4, 5.0));
            heldSpeech = ClipCache.get(work, "heldspeech-" + heldSpeechCount + "-" + (seed + 5),
                    () -> new SpeechCorpus(work).render("heldout", heldSpeechCount, seed + 5, 5.0));
            music = new ArrayList<>(fFluid.get());
            music.addAll(fMuse.get());
            if (fExtra != null) {
                music.addAll(fExtra.get());
            }
            if (fFree != null) {
                music.addAll(sounding(t0, "freepats clips", fFree.get()));
            }
            shotClips = new ArrayList<>(fShotsFluid.get());
            shotClips.addAll(fShotsMuse.get());
            if (fShotsExtra != null) {
                shotClips.addAll(fShotsExtra.get());
            }
            if (fShotsFree != null) {
                shotClips.addAll(sounding(t0, "freepats one-shots", fShotsFree.get()));
            }
            for (Future<List<Clip>> f : fDrums) {
                // a kit without a sample for the drawn key renders silence: keep only clips that sound
                List<Clip> drums = f.get();
                shotClips.addAll(sounding(t0, "drum-only clips " + (drums.isEmpty() ? "-" : drums.get(0).id().replaceAll("-\\d+$", "")), drums));
            }
            held = new ArrayList<>(fHeld.get());
        } finally {
            pool.shutdownNow();
        }
        List<Clip> train = new ArrayList<>(music);
        train.addAll(shotClips);
        train.addAll(speechClips);
        train.addAll(SpeechCorpus.mixes("train", speechClips.subList(0, speech / 2), music, seed + 6));
        train.addAll(NoiseCorpus.render("train", other, seed + 7, 5.0));
        List<Clip> heldAll = new ArrayList<>(held);
        heldAll.addAll(heldSpeech);
        heldAll.addAll(SpeechCorpus.mixes("heldout", heldSpeech.subList(0, heldSpeechCount / 2), held, seed + 8));
        heldAll.addAll(NoiseCorpus.render("heldout", Math.max(2, heldSpeechCount * 3 / 5), seed + 9, 5.0));
        log(t0, "corpus: %d training clips, %d held-out clips", train.size(), heldAll.size());

        // 2. patches through the runtime front end (overlapping by half in training)
        FrontEndSpec spec = FrontEndSpec.DEFAULT;
        PatchData data = PatchData.of(train, spec.withPatchHop(spec.patchFrames() / 2), 8, seed + 10, true, bandLimit);
        List<Integer> trainRows = new ArrayList<>();
        List<Integer> valRows = new ArrayList<>();
        splitRows(data, trainRows, valRows);
        // validation of the embedding: the validation clips' non-overlapping patches (own augmentation draw)
        List<Clip> valClips = new ArrayList<>();
        for (int c = 0; c < train.size(); c += 10) {
            valClips.add(train.get(c));
        }
        PatchData valEmb = PatchData.of(valClips, spec, 8, seed + 12, true, bandLimit);
        log(t0, "patches: %d train, %d validation (%d non-overlapping validation patches for the embedding)",
                trainRows.size(), valRows.size(), valEmb.size());
        EmbeddingCheck check = new EmbeddingCheck(valEmb, valClips);
        log(t0, "validation embedding baseline (log-mel band mean+std, z-scored): same-clip P@1 %.4f, same-family P@10 %.4f",
                check.sameClip(check.melStats), check.family(check.melStats));

        // 2b. real music (optional): training excerpts as positive pairs, validation tracks for "same track"
        TaggerTraining.RealPairs realPairs = null;
        RealMusicCorpus.Check realCheck = null;
        if (realPerStep > 0) {
            List<Path> tracks = RealMusicCorpus.tracks(work);
            List<Clip> realTrain = ClipCache.get(work, "realmusic-train-" + tracks.size(), () -> RealMusicCorpus.trainingExcerpts(tracks));
            List<Clip> realVal = ClipCache.get(work, "realmusic-val-" + tracks.size(), () -> RealMusicCorpus.validationExcerpts(tracks));
            PatchData rd = PatchData.of(realTrain, spec, 1, seed + 20, false);
            Map<Integer, List<Integer>> rows = new java.util.TreeMap<>();
            for (int i = 0; i < rd.size(); i++) {
                rows.computeIfAbsent(realTrain.get(rd.clipIndex.get(i)).group(), k -> new ArrayList<>()).add(i);
            }
            List<List<Integer>> byTrack = new ArrayList<>();
            List<double[]> seconds = new ArrayList<>();
            for (List<Integer> r : rows.values()) {
                if (r.size() < 2) {
                    continue;
                }
                byTrack.add(r);
                seconds.add(r.stream().mapToDouble(i -> RealMusicCorpus.startSeconds(realTrain.get(rd.clipIndex.get(i)))).toArray());
            }
            realPairs = new TaggerTraining.RealPairs(rd, byTrack, seconds, realPerStep);
            realCheck = new RealMusicCorpus.Check(realVal);
            log(t0, "real music: %d tracks found, %d training tracks (%d excerpts), %d pairs per step; validation: %d excerpts of %d tracks, "
                            + "same-track P@10 of the MFCC baseline %.4f",
                    tracks.size(), byTrack.size(), rd.size(), realPerStep, realCheck.trackOf.size(), realCheck.tracks, realCheck.mfccBaseline);
        }

        // 3. training: one network per member; member 0 is the single-network recipe (same seeds), member k > 0
        // the same clips with its own augmentation draw, initialisation and batch order (seed + 1000 k)
        int members = Integer.parseInt(a.getOrDefault("members", "1")); // 1.4.0: 1 (of width 2); 1.3.0: 2 of width 1
        if (members < 1) {
            throw new IllegalArgumentException("--members must be at least 1, got " + members);
        }
        int batch = Integer.parseInt(a.getOrDefault("batch", "64"));
        double trainSeconds = 0;
        int parameters = 0;
        int embeddingDim;
        Map<String, Double> metrics = new LinkedHashMap<>();
        Path onnx = models.resolve(MODEL_ID + "-" + version + ".onnx");
        // the published embedding centred and whitened on its principal axes (EnsembleExporter), the whitening chosen on
        // validation data: always for an ensemble (its concatenation is projected back to 128-d), optional for one network
        boolean project = members > 1 || onOff(a.getOrDefault("project-embedding", "on"), "project-embedding");
        if (melStatsWeight > 0 && project) {
            throw new IllegalArgumentException("--melstats-weight publishes an embedding of its own and cannot be combined with an ensemble "
                    + "(--members > 1) or --project-embedding on (the default): pass --members 1 --project-embedding off");
        }
        MelStats melStats = melStatsWeight > 0 ? MelStats.of(data.patches, trainRows, spec.patchFrames(), melStatsWeight) : null;
        List<Path> memberFiles = new ArrayList<>();
        boolean reuseMembers = onOff(a.getOrDefault("reuse-members", "off"), "reuse-members");
        int reused = 0;
        double onnxDiffProbabilities = 0;
        double onnxDiffEmbedding = 0;
        for (int m = 0; m < members; m++) {
            long memberSeed = seed + 1000L * m;
            String tag = members == 1 ? "" : String.format(Locale.ROOT, "member %d/%d: ", m + 1, members);
            NetSpec net = new NetSpec(Labels.INSTRUMENTS.size(), Labels.CONTENT.size(), width);
            Path file = !project ? onnx : work.resolve("members").resolve(MODEL_ID + "-" + version + "-member" + m + ".onnx");
            if (reuseMembers && project && Files.exists(file)) {
                // development only (--reuse-members): the publication step tried again on members an earlier run trained
                log(t0, "%sreused %s (--reuse-members: not trained in this run)", tag, file);
                parameters += EnsembleExporter.parameterCount(file);
                reused++;
                memberFiles.add(file);
                continue;
            }
            PatchData md = m == 0 ? data : PatchData.of(train, spec.withPatchHop(spec.patchFrames() / 2), 8, memberSeed + 10, true, bandLimit);
            List<Integer> mTrain = m == 0 ? trainRows : new ArrayList<>();
            List<Integer> mVal = m == 0 ? valRows : new ArrayList<>();
            if (m > 0) {
                splitRows(md, mTrain, mVal);
            }
            try (TaggerTraining training = new TaggerTraining(net, spec.melBands(), spec.patchFrames(), batch,
                    epochs * TaggerTraining.stepsPerEpoch(md, mTrain, batch), memberSeed)) {
                training.withSpecAugment(specAugment);
                if (specAugment && m == 0) {
                    log(t0, "training batches masked: %s", SpecAugment.describe(spec.melBands(), spec.patchFrames()));
                }
                long tt = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    double loss = training.epoch(md, mTrain, realPairs, memberSeed + 100 + e);
                    float[][][] val = training.predict(md, mVal);
                    List<float[]> emb = java.util.Arrays.asList(training.predict(valEmb, check.all)[2]);
                    log(t0, "%sepoch %d/%d: loss %.4f, validation instrument macro ROC-AUC %.4f, content accuracy %.4f, "
                                    + "embedding same-clip P@1 %.4f, same-family P@10 %.4f",
                            tag, e + 1, epochs, loss, macroRoc(val[0], md, mVal), contentAccuracy(val[1], md, mVal),
                            check.sameClip(emb), check.family(emb));
                    if (realCheck != null) {
                        log(t0, "%sepoch %d/%d: validation real music same-track P@10 %.4f (MFCC %.4f)", tag, e + 1, epochs,
                                realCheck.sameTrack(training.predict(realCheck.patches, realCheck.rows)[2]), realCheck.mfccBaseline);
                    }
                }
                trainSeconds += (System.nanoTime() - tt) / 1e9;
                parameters += training.model().getBlock().getParameters().values().stream()
                        .mapToInt(p -> (int) p.getArray().size()).sum();

                // 4. ONNX export of the member and its check against DJL
                OnnxExporter.export(net, spec.melBands(), spec.patchFrames(), melStats, MODEL_ID, version, file);
                float[][][] djl = training.predict(md, mVal);
                for (int i = 0; melStats != null && i < mVal.size(); i++) {
                    djl[2][i] = melStats.publish(djl[2][i], md.patches.get(mVal.get(i)), spec.patchFrames());
                }
                int dim = NetSpec.EMBEDDING + (melStats == null ? 0 : melStats.mean().length);
                ModelCard draft = card(version, spec, sha256(file), metrics, null, dim, realPerStep > 0, extra, freepats, avlDrums > 0);
                try (OnnxModel ort = OnnxModel.load(draft, file, InferenceDevice.CPU, 0)) {
                    float[][][] ortOut = run(ort, md, mVal);
                    double probabilities = Math.max(maxDiff(djl[0], ortOut[0]), maxDiff(djl[1], ortOut[1]));
                    double embedding = maxDiff(djl[2], ortOut[2]);
                    onnxDiffProbabilities = Math.max(onnxDiffProbabilities, probabilities);
                    onnxDiffEmbedding = Math.max(onnxDiffEmbedding, embedding);
                    log(t0, "%sONNX Runtime vs DJL: max |diff| %.2e (probabilities), %.2e (embedding)", tag, probabilities, embedding);
                }
            }
            memberFiles.add(file);
        }
        metrics.put("onnx_vs_djl_max_abs_diff_probabilities", onnxDiffProbabilities);
        metrics.put("onnx_vs_djl_max_abs_diff_embedding", onnxDiffEmbedding);
        embeddingDim = NetSpec.EMBEDDING + (melStats == null ? 0 : melStats.mean().length);
        String projectionNote = "";
        EnsembleExporter.Projection published = null;
        if (project) {
            // the members' concatenated embeddings, projected on their leading principal axes (measured on training
            // patches) back to one member's length, unless --ensemble-dims 0
            int ensembleDims = Integer.parseInt(a.getOrDefault("ensemble-dims", String.valueOf(NetSpec.EMBEDDING)));
            Path joined = work.resolve("members").resolve(MODEL_ID + "-" + version + "-joined.onnx");
            int full = EnsembleExporter.join(memberFiles, MODEL_ID, version, null, joined);
            if (ensembleDims <= 0 || (ensembleDims >= full && members > 1)) {
                Files.copy(joined, onnx, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                embeddingDim = full;
            } else {
                List<Integer> sample = new ArrayList<>();
                for (int i = 0; i < trainRows.size(); i += 4) {
                    sample.add(trainRows.get(i));
                }
                ModelCard joinedCard = card(version, spec, sha256(joined), metrics, null, full, realPerStep > 0, extra, freepats, avlDrums > 0);
                List<float[]> vectors;
                float[][] valVectors;
                float[][] trackVectors;
                RealMusicCorpus.Check trackCheck = realCheck;
                if (trackCheck == null) {
                    List<Path> tracks = RealMusicCorpus.tracks(work);
                    trackCheck = new RealMusicCorpus.Check(ClipCache.get(work, "realmusic-val-" + tracks.size(), () -> RealMusicCorpus.validationExcerpts(tracks)));
                }
                try (OnnxModel ort = OnnxModel.load(joinedCard, joined, InferenceDevice.CPU, 0)) {
                    vectors = java.util.Arrays.asList(run(ort, data, sample)[2]);
                    valVectors = run(ort, valEmb, check.all)[2];
                    trackVectors = run(ort, trackCheck.patches, trackCheck.rows)[2];
                }
                // the axes are centred on the training patches' mean; how far to whiten them (scale axis k by eigenvalue_k^-w)
                // is chosen on validation data: the largest sum of same-family P@10 (validation clips of the training
                // soundfonts) and same-track P@10 (excerpts of the real-music validation tracks, never the bench's)
                String whitenArg = a.getOrDefault("ensemble-whiten", "auto");
                double[] candidates = whitenArg.equals("auto") ? new double[] {0, 0.125, 0.25, 0.375, 0.5} : new double[] {Double.parseDouble(whitenArg)};
                double whiten = 0;
                double best = Double.NEGATIVE_INFINITY;
                for (double w : candidates) {
                    EnsembleExporter.Projection p = EnsembleExporter.principalAxes(vectors, ensembleDims, true, w);
                    double family = check.family(java.util.Arrays.asList(p.apply(valVectors)));
                    double track = trackCheck.sameTrack(p.apply(trackVectors));
                    log(t0, "ensemble embedding, whitening %.3f: validation same-family P@10 %.4f, real-music same-track P@10 %.4f (MFCC %.4f)",
                            w, family, track, trackCheck.mfccBaseline);
                    if (family + track > best + 1e-9) {
                        best = family + track;
                        published = p;
                        whiten = w;
                    }
                }
                metrics.put("ensemble_whitening", whiten);
                embeddingDim = EnsembleExporter.join(memberFiles, MODEL_ID, version, published, onnx);
                metrics.put("ensemble_projection_second_moment_kept", published.kept());
                projectionNote = String.format(Locale.ROOT, "projected from %d to %d dimensions on the leading principal axes of %d training "
                        + "patches' vectors (centred, %.1f %% of their variance kept; axes scaled by eigenvalue^-%.3f, the whitening "
                        + "chosen on validation data); ", full, ensembleDims, sample.size(), 100 * published.kept(), whiten);
                log(t0, "ensemble embedding: %s", projectionNote);
            }
        }

        // 5. validation and the held-out soundfont, per patch, through ONNX Runtime on the published graph
        ModelCard draft = card(version, spec, sha256(onnx), metrics, null, embeddingDim, realPerStep > 0, extra, freepats, avlDrums > 0);
        try (OnnxModel ort = OnnxModel.load(draft, onnx, InferenceDevice.CPU, 0)) {
            float[][][] ortOut = run(ort, data, valRows);
            if (project) {
                checkEnsemble(onnx, ortOut, memberFiles, published, data, valRows, t0, metrics,
                        card(version, spec, sha256(memberFiles.get(0)), metrics, null, NetSpec.EMBEDDING, realPerStep > 0, extra, freepats, avlDrums > 0));
            }
            metrics.put("validation_instrument_macro_roc_auc", macroRoc(ortOut[0], data, valRows));
            metrics.put("validation_content_accuracy", contentAccuracy(ortOut[1], data, valRows));
            List<float[]> emb = java.util.Arrays.asList(run(ort, valEmb, check.all)[2]);
            metrics.put("validation_embedding_same_clip_p_at_1", check.sameClip(emb));
            metrics.put("validation_embedding_same_clip_p_at_1_melstats", check.sameClip(check.melStats));
            metrics.put("validation_embedding_same_family_p_at_10", check.family(emb));
            metrics.put("validation_embedding_same_family_p_at_10_melstats", check.family(check.melStats));
            if (realCheck != null) {
                metrics.put("validation_real_music_same_track_p_at_10", realCheck.sameTrack(run(ort, realCheck.patches, realCheck.rows)[2]));
                metrics.put("validation_real_music_same_track_p_at_10_mfcc", realCheck.mfccBaseline);
            }
            if (members > 1) {
                log(t0, "ensemble of %d: validation instrument macro ROC-AUC %.4f, embedding same-clip P@1 %.4f, same-family P@10 %.4f", members,
                        metrics.get("validation_instrument_macro_roc_auc"), metrics.get("validation_embedding_same_clip_p_at_1"),
                        metrics.get("validation_embedding_same_family_p_at_10"));
            }
            PatchData hd = PatchData.of(heldAll, spec, 8, seed + 11, false);
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < hd.size(); i++) {
                all.add(i);
            }
            float[][][] h = run(ort, hd, all);
            metrics.put("heldout_timgm6mb_instrument_macro_roc_auc_patch", macroRoc(h[0], hd, all));
            metrics.put("heldout_timgm6mb_content_accuracy_patch", contentAccuracy(h[1], hd, all));
            log(t0, "held-out TimGM6mb (patch level): instrument macro ROC-AUC %.4f, content accuracy %.4f",
                    metrics.get("heldout_timgm6mb_instrument_macro_roc_auc_patch"), metrics.get("heldout_timgm6mb_content_accuracy_patch"));
        }
        double total = (System.nanoTime() - t0) / 1e9;
        String melStatsNote = melStatsWeight <= 0 ? "" : String.format(Locale.ROOT, "published embedding per patch = [learned 128-d / its L2 norm, "
                + "%.2f x z-scored log-mel band mean and std / sqrt(%d)] (z constants from the training patches), "
                + "the track vector = L2-normalised mean; ", melStatsWeight, 2 * spec.melBands());
        String realNote = realPerStep <= 0 ? "" : String.format(Locale.ROOT, "plus %d real-music pairs per step (two excerpts of one "
                + "training track >= %.0f s apart; rows masked out of the instrument term, content = music); ", realPerStep,
                TaggerTraining.RealPairs.MIN_GAP_SECONDS);
        String drumNote = drumClips <= 0 ? "" : String.format(Locale.ROOT, "plus %d drum-only clips per training soundfont (half single hits of "
                + "any GM percussion key, half 2-5 s loops; kits drawn from all of the soundfont's percussion presets); ", drumClips);
        String freeNote = !freepats ? "" : String.format(Locale.ROOT, "plus freepats rendered with timidity (%d clips and %d one-shots, "
                + "programs and drum set only from the patch set, silent renders dropped); ", clipsPerFont, shots);
        String avlNote = avlDrums <= 0 ? "" : String.format(Locale.ROOT, "plus %d drum-only clips per AVL kit (%s; silent renders dropped); ",
                avlDrums, avlKits.stream().map(k -> k.getFileName().toString()).toList());
        String specNote = specAugment ? SpecAugment.describe(spec.melBands(), spec.patchFrames()) : "";
        String memberNote = members <= 1 ? (!project ? "" : "published embedding: the network's, L2-normalised (EnsembleExporter with one member), "
                + projectionNote + (reused == 0 ? "" : "the network reused from an earlier run (--reuse-members), so the training time is not the recipe's; "))
                : String.format(Locale.ROOT, "an ensemble of %d networks trained alike on the same clips, "
                + "member k with seed + 1000 k (its own augmentation draw, initialisation and batch order); published: the mean of their probabilities and their "
                + "per-patch embeddings L2-normalised and concatenated (EnsembleExporter), ", members) + projectionNote
                + (reused == 0 ? "" : reused + " member(s) reused from an earlier run (--reuse-members), so the training time is not the recipe's; ");
        String bandNote = bandLimit <= 0 ? "" : String.format(Locale.ROOT, "%.2f of the augmented clips band-limited first (4th-order "
                + "Butterworth low-pass at 3.5-10 kHz log-uniform, a quarter of those also a 2nd-order high-pass at 80-300 Hz); ", bandLimit);
        ModelCard card = card(version, spec, sha256(onnx), metrics,
                new ModelCard.Training("mvn -B -pl tagging-models -Ptrain compile exec:java (or ./audiocat models train)", seed,
                        "DJL 0.35.1 PyTorch engine 2.7.1 (CPU), exported to ONNX opset 17 by OnnxExporter",
                        Math.round(total * 10) / 10.0, parameters,
                        String.format(Locale.ROOT, "%d epochs, batch %d (%d clips x 2 patches), Adam + cosine LR 2e-3 -> 5e-5, weight decay 1e-4; "
                                + "loss = BCE (instruments) + CE (content) + %.1f x NT-Xent (temperature %.2f, two patches of a clip as positives); "
                                + "per-clip augmentation (tilt EQ, Schroeder reverb, compression, noise, level); %d training patches; ",
                                epochs, batch, batch / 2, TaggerTraining.CONTRASTIVE_WEIGHT, TaggerTraining.TEMPERATURE, trainRows.size())
                                + (width == 1 ? "" : String.format(Locale.ROOT, "convolution filters %s (width %.2f of 16-32-64-128); ",
                                        java.util.Arrays.toString(new NetSpec(1, 1, width).channels), width))
                                + memberNote + melStatsNote + realNote + drumNote + freeNote + avlNote + specNote + bandNote
                                + String.format(Locale.ROOT, "training loop %.0f s on this machine", trainSeconds)), embeddingDim, realPerStep > 0, extra, freepats, avlDrums > 0, project);
        ObjectMapper json = mapper();
        json.writeValue(models.resolve(MODEL_ID + "-" + version + ".json").toFile(), card);
        log(t0, "wrote %s (%d bytes) and its card", onnx, Files.size(onnx));
    }

    static ModelCard card(String version, FrontEndSpec spec, String sha, Map<String, Double> metrics, ModelCard.Training training, int embeddingDim,
            boolean realMusic, Path extraSoundfont, boolean freepats, boolean avlDrums) {
        return card(version, spec, sha, metrics, training, embeddingDim, realMusic, extraSoundfont, freepats, avlDrums, false);
    }

    /** @param realValidation the real-music tracks validated the ensemble's embedding projection (no training on them) */
    static ModelCard card(String version, FrontEndSpec spec, String sha, Map<String, Double> metrics, ModelCard.Training training, int embeddingDim,
            boolean realMusic, Path extraSoundfont, boolean freepats, boolean avlDrums, boolean realValidation) {
        List<ModelCard.TrainingSource> sources = new ArrayList<>(List.of(
                new ModelCard.TrainingSource("FluidR3_GM soundfont renders", "Debian fluid-soundfont-gm (Frank Wen)", "MIT",
                        "random General MIDI clips written by MidiCorpus, rendered with fluidsynth"),
                new ModelCard.TrainingSource("MuseScore General soundfont renders", "Debian musescore-general-soundfont (S. Christian Collins)", "MIT",
                        "same generator, other seed"),
                new ModelCard.TrainingSource("espeak-ng speech", "Debian espeak-ng", "GPL-3.0-or-later program; generated audio is not covered",
                        "random English word sequences in 15 voices and 16 variants; also mixed over music beds 6-18 dB lower"),
                new ModelCard.TrainingSource("synthetic noise", "NoiseCorpus (this repository)", "MIT", "class 'other'")));
        if (extraSoundfont != null) {
            boolean csound = extraSoundfont.getFileName().toString().equals("sf_GMbank.sf2");
            sources.add(2, new ModelCard.TrainingSource(extraSoundfont.getFileName() + " soundfont renders",
                    csound ? "Debian csound-soundfont (Csound GM bank)" : extraSoundfont.toString(),
                    csound ? "public domain (license field of the file, Debian copyright)" : "see the soundfont's license",
                    "same generator, other seed (third training soundfont, --extra-soundfont)"));
        }
        int after = sources.size() - 2; // before espeak-ng and the noise
        if (freepats) {
            sources.add(after++, new ModelCard.TrainingSource("freepats renders (GUS patches of recorded instruments, timidity)",
                    "Debian freepats (freepats.opensrc.org), rendered with Debian timidity",
                    "GPL-2.0-or-later with a composition exception: renders that mix the patches are compositions not covered by "
                            + "the GPL (/usr/share/doc/freepats/copyright)",
                    "same generator, other seeds, restricted to the bank-0 programs (72 in Debian's freepats.cfg) and drum set 0 that freepats has (--freepats); "
                            + "silent renders dropped"));
        }
        if (avlDrums) {
            sources.add(after, new ModelCard.TrainingSource("AVL Drumkits: Black Pearl 4 and Red Zeppelin 4 (recorded acoustic kits, Glen MacArthur)",
                    "Debian avldrums.lv2-soundfont", "CC-BY-SA-3.0 (/usr/share/doc/avldrums.lv2-soundfont/copyright, Files: sf2/*)",
                    "drum-only clips (single hits and loops) rendered with fluidsynth (--avl-drums); silent renders dropped"));
        }
        if (realMusic) {
            for (RealMusicCorpus.Source s : RealMusicCorpus.SOURCES) {
                sources.add(new ModelCard.TrainingSource(s.credit(), "Debian " + s.pkg(), s.license(),
                        "real recorded music: excerpts of one track far apart as contrastive positives (no instrument labels); "
                                + "every fifth track held out for validation"));
            }
        }
        if (realValidation && !realMusic) {
            for (RealMusicCorpus.Source s : RealMusicCorpus.SOURCES) {
                sources.add(new ModelCard.TrainingSource(s.credit(), "Debian " + s.pkg(), s.license(),
                        "validation only, no training: 10 s excerpts of every fifth track choose how far the ensemble's embedding "
                                + "projection is whitened"));
            }
        }
        sources.add(new ModelCard.TrainingSource("TimGM6mb soundfont renders", "Debian timgm6mb-soundfont", "GPL-2.0",
                "evaluation only, never in training"));
        if (realMusic) {
            sources.add(new ModelCard.TrainingSource("warzone2100 soundtrack", "Debian warzone2100-music", "GPL-2.0-or-later",
                    "evaluation only (bench), never in training"));
        }
        // the AVL kits are CC-BY-SA-3.0: whether weights trained on their renders are an adaptation is unsettled, so the
        // weights take that licence (attribution, share-alike when redistributed); the code stays MIT
        String weightsLicense = avlDrums ? "CC-BY-SA-3.0" : "MIT";
        String corpusWords = freepats || avlDrums
                ? "Trained on rendered music (General MIDI clips through three soundfonts, the freepats patch set and two recorded drum "
                        + "kits: real instrument samples, generated performances) and espeak-ng speech: real performances and mixes, sung vocals and "
                : "Trained on synthesised music only (General MIDI renders, espeak-ng speech): real recordings, sung vocals and ";
        return new ModelCard(MODEL_ID, version, ModelCard.ONNX, MODEL_ID + "-" + version + ".onnx", sha, weightsLicense,
                ModelCard.Input.of("logmel", spec, 32, "log-mel patches of the 22050 Hz analysis stream, see FrontEndSpec"),
                List.of(
                        new ModelCard.Output("instruments", "instruments", Labels.INSTRUMENTS, Labels.INSTRUMENTS.size(), "top_quarter_mean"),
                        new ModelCard.Output("content", "content", Labels.CONTENT, Labels.CONTENT.size(), "mean"),
                        new ModelCard.Output("embedding", "embedding", null, embeddingDim, "mean_l2")),
                sources,
                metrics, training,
                realMusic ? "Instrument and speech heads trained on synthesised music only (General MIDI renders, espeak-ng speech); the "
                        + "embedding also saw 76 real game soundtracks (Debian game-music packages) through its contrastive term, without instrument labels: real "
                        + "recordings, sung vocals and "
                        + "production effects are out of distribution for the tags; see docs/models.md for measured figures on real samples. "
                        + "'voice' is choir/vocal pads and speech, not a singing-voice detector. Patches are 2.23 s; at most 32 "
                        + "per file, spread evenly, are tagged." : corpusWords
                        + "production effects are out of distribution; see docs/models.md for measured figures on real samples. "
                        + "'voice' is choir/vocal pads and speech, not a singing-voice detector. Patches are 2.23 s; at most 32 "
                        + "per file, spread evenly, are tagged.");
    }

    /** Renders {@code count} clips named {@code name} on {@code pool}, cached under {@code name-count-seed} ({@link ClipCache}). */
    static Future<List<Clip>> renderCached(ExecutorService pool, Path work, Callable<MidiCorpus> corpus, String name, int count, long seed,
            double oneShotShare, double oneFamilyShare) {
        return pool.submit(() -> ClipCache.get(work, name + "-" + count + "-" + seed,
                () -> corpus.call().render(name, count, seed, oneShotShare, oneFamilyShare)));
    }

    /** The two AVL drum kits of Debian avldrums.lv2-soundfont, each one melodic preset (bank 0, program 0) keyed like GM drums. */
    static final List<Path> AVL_KITS = List.of(Path.of("/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2"),
            Path.of("/usr/share/sounds/sf2/Red_Zeppelin_4_LV2.sf2"));

    /** The clips that sound (peak >= -60 dBFS); a render of a key or program the synth lacks is silent and dropped. */
    static List<Clip> sounding(long t0, String what, List<Clip> clips) {
        List<Clip> kept = clips.stream().filter(c -> peak(c.samples()) >= 1e-3f).toList();
        log(t0, "%s: %d of %d sound, the silent rest dropped", what, kept.size(), clips.size());
        return kept;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    static float[][][] run(OnnxModel ort, PatchData d, List<Integer> rows) {
        int size = d.patches.get(0).length;
        int batch = 128;
        float[][][] out = new float[3][rows.size()][];
        float[] buf = new float[batch * size];
        for (int b0 = 0; b0 < rows.size(); b0 += batch) {
            int m = Math.min(batch, rows.size() - b0);
            for (int i = 0; i < m; i++) {
                System.arraycopy(d.patches.get(rows.get(b0 + i)), 0, buf, i * size, size);
            }
            float[][][] r = ort.run(new PatchBatch(buf, m, size));
            for (int o = 0; o < 3; o++) {
                System.arraycopy(r[o], 0, out[o], b0, m);
            }
        }
        return out;
    }

    static double macroRoc(float[][] probs, PatchData d, List<Integer> rows) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < Labels.INSTRUMENTS.size(); c++) {
            double[] s = new double[rows.size()];
            boolean[] y = new boolean[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                s[i] = probs[i][c];
                y[i] = d.instruments.get(rows.get(i))[c] > 0.5f;
            }
            double auc = Metrics.rocAuc(s, y);
            if (!Double.isNaN(auc)) {
                sum += auc;
                n++;
            }
        }
        return sum / Math.max(1, n);
    }

    static double contentAccuracy(float[][] probs, PatchData d, List<Integer> rows) {
        int ok = 0;
        for (int i = 0; i < rows.size(); i++) {
            int best = 0;
            for (int c = 1; c < probs[i].length; c++) {
                if (probs[i][c] > probs[i][best]) {
                    best = c;
                }
            }
            if (best == d.content.get(rows.get(i))) {
                ok++;
            }
        }
        return ok / (double) Math.max(1, rows.size());
    }

    static float peak(float[] x) {
        float p = 0;
        for (float v : x) {
            p = Math.max(p, Math.abs(v));
        }
        return p;
    }

    static double maxDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The published ensemble graph {@code onnx}'s outputs {@code got} on {@code rows} against its members run one by one through
     * ONNX Runtime: the mean of their probabilities, and their L2-normalised embeddings concatenated, scaled by
     * 1/sqrt(members) and projected. Fails the training if the graph strays by more than 1e-4.
     */
    static void checkEnsemble(Path onnx, float[][][] got, List<Path> members, EnsembleExporter.Projection projection, PatchData data,
            List<Integer> rows, long t0, Map<String, Double> metrics, ModelCard memberCard) throws IOException {
        int n = rows.size();
        float[][] instruments = new float[n][got[0][0].length];
        float[][] content = new float[n][got[1][0].length];
        float[][] concat = new float[n][members.size() * NetSpec.EMBEDDING];
        for (int k = 0; k < members.size(); k++) {
            float[][][] m;
            try (OnnxModel ort = OnnxModel.load(memberCard, members.get(k), InferenceDevice.CPU, 0)) {
                m = run(ort, data, rows);
            }
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < instruments[r].length; j++) {
                    instruments[r][j] += m[0][r][j] / members.size();
                }
                for (int j = 0; j < content[r].length; j++) {
                    content[r][j] += m[1][r][j] / members.size();
                }
                double norm = 0;
                for (float v : m[2][r]) {
                    norm += v * v;
                }
                double scale = 1 / (Math.max(Math.sqrt(norm), MelStats.EPS) * Math.sqrt(members.size()));
                for (int j = 0; j < NetSpec.EMBEDDING; j++) {
                    concat[r][k * NetSpec.EMBEDDING + j] = (float) (m[2][r][j] * scale);
                }
            }
        }
        float[][] embedding = projection == null ? concat : projection.apply(concat);
        double probabilities = Math.max(maxDiff(instruments, got[0]), maxDiff(content, got[1]));
        double emb = maxDiff(embedding, got[2]);
        metrics.put("ensemble_vs_members_max_abs_diff_probabilities", probabilities);
        metrics.put("ensemble_vs_members_max_abs_diff_embedding", emb);
        log(t0, "published ensemble vs its %d members run alone: max |diff| %.2e (probabilities), %.2e (embedding)", members.size(), probabilities, emb);
        if (probabilities > 1e-4 || emb > 1e-4) {
            throw new IllegalStateException("the joined ONNX graph " + onnx + " does not reproduce its members (max |diff| " + probabilities
                    + " probabilities, " + emb + " embedding)");
        }
    }

    /** Every tenth clip's patches validate, the rest train (the split is by clip, so it holds for every augmentation draw). */
    static void splitRows(PatchData data, List<Integer> trainRows, List<Integer> valRows) {
        for (int i = 0; i < data.size(); i++) {
            (data.clipIndex.get(i) % 10 == 0 ? valRows : trainRows).add(i);
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    static boolean onOff(String value, String option) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("--" + option + " takes on or off, got '" + value + "'");
        };
    }

    static void log(long t0, String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - t0) / 1e9, String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }
}
