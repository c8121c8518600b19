package com.trainingservice.security;

import org.springframework.security.core.AuthenticationException;

/** A key was sent but is none of the configured ones. */
class InvalidApiKeyException extends AuthenticationException {

    private final String header;

    InvalidApiKeyException(String header) {
        super("the API key is not valid");
        this.header = header;
    }

    /** The header the key came in. */
    String header() {
        return header;
    }
}
