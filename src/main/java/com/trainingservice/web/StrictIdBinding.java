package com.trainingservice.web;

import java.beans.PropertyEditorSupport;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Ids in paths must be canonical 36-character UUIDs. UUID.fromString accepts short groups
 * ("...-1a2b3c4d5e6" reads as "...-01a2b3c4d5e6"), which would give one job two spellings. An
 * editor, not a converter: Spring falls back to its lenient default editor when a converter fails.
 */
@ControllerAdvice
class StrictIdBinding {

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @InitBinder
    void strictUuids(WebDataBinder binder) {
        binder.registerCustomEditor(UUID.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                if (text == null || !CANONICAL_UUID.matcher(text).matches()) {
                    throw new IllegalArgumentException("not a canonical UUID");
                }
                setValue(UUID.fromString(text));
            }
        });
    }
}
