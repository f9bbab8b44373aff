package dev.audiocat.pipelines.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code audiocat} command line: parses arguments and dispatches to a subcommand. */
@Command(
        name = "audiocat",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Turns audio libraries into a searchable, licensable catalog.",
        subcommands = {
            DemoCommand.class,
            IngestCommand.class,
            CatalogCommand.class,
            SearchCommand.class,
            ServeCommand.class,
            IndexCommand.class,
            ModelsCommand.class,
            LedgerCommand.class,
            ReferencesCommand.class,
            IdentifyCommand.class,
            ExportCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Flink and Beam log every step at INFO; users want the progress line and the summary
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("audiocat.log", "error"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("audiocat: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (Boolean.getBoolean("audiocat.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"audiocat " + AudiocatVersion.get()};
        }
    }
}
