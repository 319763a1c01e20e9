package io.helmwarden.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The checks table in {@code config/checks/README.md} is generated from the definitions, never written by
 * hand. Regenerate with {@code ./mvnw -pl app -am test -Dtest=ChecksDocumentationTest -Dhelmwarden.docs.update=true}.
 */
class ChecksDocumentationTest {

    static final Path DOCUMENT = Path.of("../config/checks/README.md");

    @Test
    void theChecksTableMatchesTheDefinitions() throws IOException {
        var catalog = new CheckCatalog(CheckCatalog.load("../config/checks"));
        String expected = ChecksDocumentation.markdown(catalog.all());
        if (Boolean.getBoolean("helmwarden.docs.update")) {
            Files.writeString(DOCUMENT, expected);
        }
        assertThat(DOCUMENT).as("regenerate with -Dhelmwarden.docs.update=true").hasContent(expected);
    }
}
