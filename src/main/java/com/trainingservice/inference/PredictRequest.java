package com.trainingservice.inference;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Either {@code instances} (pixel arrays) or {@code images} (base64 PNG/JPEG), not both. */
@Schema(example = """
        {"images": ["iVBORw0KGgoAAAANSUhEUgAAABwAAAAcCAAAAABXZoBIAAAAGklEQVR4nGNgGAWjYBSMglEwCkbBKBgFwwMAB+wAAf5Kq1YAAAAASUVORK5CYII="]}""")
record PredictRequest(
        @ArraySchema(arraySchema = @Schema(description = "images as 784 numbers in [0, 1] (row-major 28x28), or as 28 rows of 28"))
        List<JsonNode> instances,
        @ArraySchema(arraySchema = @Schema(description = "base64-encoded PNG or JPEG images of any size and colour"))
        List<String> images) {
}
