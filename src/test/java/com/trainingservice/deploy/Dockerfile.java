package com.trainingservice.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile read into its stages and instructions (continuation lines joined, comments and the parser
 * directive dropped): enough for the tests to check what the images contain and to lay out the image's working
 * directory the way its COPY instructions do.
 */
record Dockerfile(Path path, List<Stage> stages) {

    static final Path CPU = Path.of("docker/Dockerfile");
    static final Path CUDA = Path.of("docker/Dockerfile.cuda");

    record Instruction(String keyword, String arguments) {

        /** The words of the arguments, options such as --from=build included. */
        List<String> words() {
            return Arrays.asList(arguments.trim().split("\\s+"));
        }

        Optional<String> option(String name) {
            String prefix = "--" + name + "=";
            return words().stream().filter(word -> word.startsWith(prefix)).map(word -> word.substring(prefix.length()))
                    .findFirst();
        }

        /** The words after the options: a COPY's sources and its destination, last. */
        List<String> operands() {
            return words().stream().filter(word -> !word.startsWith("--")).toList();
        }

        @Override
        public String toString() {
            return keyword + " " + arguments;
        }
    }

    record Stage(String from, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
        }

        Instruction one(String keyword) {
            List<Instruction> found = all(keyword);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + keyword + " in stage " + name + ", found " + found);
            }
            return found.get(0);
        }
    }

    static Dockerfile read(Path path) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(path)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                } else {
                    logical.add(current.append(trimmed).toString());
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + path, e);
        }
        List<Stage> stages = new ArrayList<>();
        for (String line : logical) {
            String[] parts = line.split("\\s+", 2);
            Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
            if (instruction.keyword().equals("FROM")) {
                List<String> words = instruction.words();
                String name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : "stage-" + stages.size();
                stages.add(new Stage(words.get(0), name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                throw new AssertionError(path + ": " + instruction + " before the first FROM");
            } else {
                stages.get(stages.size() - 1).instructions().add(instruction);
            }
        }
        return new Dockerfile(path, List.copyOf(stages));
    }

    Stage stage(String name) {
        return stages.stream().filter(stage -> stage.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(path + " has no stage " + name));
    }

    /** The stage the image is made of. */
    Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    /** The ENTRYPOINT's command, from its exec (JSON array) form. */
    List<String> entrypoint() {
        String arguments = runtime().one("ENTRYPOINT").arguments().strip();
        if (!arguments.startsWith("[")) {
            throw new AssertionError(path + ": ENTRYPOINT should have the exec form, so signals reach the JVM: " + arguments);
        }
        return Arrays.stream(arguments.substring(1, arguments.length() - 1).split(","))
                .map(word -> word.strip().replaceAll("^\"|\"$", "")).toList();
    }

    /** The repository file a COPY in the runtime stage puts at the given absolute path. */
    Path repositorySourceOf(String destination) {
        return runtime().all("COPY").stream()
                .filter(copy -> copy.option("from").isEmpty() && copy.operands().get(copy.operands().size() - 1).equals(destination))
                .map(copy -> Path.of(copy.operands().get(0)))
                .findFirst().orElseThrow(() -> new AssertionError(path + ": nothing is copied to " + destination));
    }
}
