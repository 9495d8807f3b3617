package dev.normlab.worker.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** How documents are laid out in a file; blank lines are skipped in both formats. */
enum DocumentFormat {

    /** One document per line. */
    TEXT {
        @Override
        String document(String line, Path file, long lineNumber) {
            return line;
        }
    },

    /** One JSON object per line with the document in a string field {@code text}. */
    JSONL {
        private final ObjectMapper json = JsonMapper.builder().build();

        @Override
        String document(String line, Path file, long lineNumber) {
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (JacksonException e) {
                throw new IllegalArgumentException("data.corpus: " + file + " line " + lineNumber
                        + " is not valid JSON: " + e.getOriginalMessage(), e);
            }
            JsonNode text = node == null ? null : node.get("text");
            if (text == null || !text.isString()) {
                throw new IllegalArgumentException("data.corpus: " + file + " line " + lineNumber
                        + " has no string field \"text\"");
            }
            return text.stringValue();
        }
    };

    /** The document on one non-blank line. */
    abstract String document(String line, Path file, long lineNumber);

    static DocumentFormat of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("data.format: must be text or jsonl, got '" + name + "'", e);
        }
    }

    void forEachDocument(Path file, Corpus.DocumentSink sink) throws IOException {
        long lineNumber = 0;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                if (!line.isBlank()) {
                    sink.accept(document(line, file, lineNumber));
                }
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("data.corpus: " + file + " is not UTF-8 text (after line " + lineNumber + ")", e);
        }
    }
}
