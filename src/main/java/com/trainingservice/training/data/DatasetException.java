package com.trainingservice.training.data;

/** The data set could not be found, downloaded or read; the message names the file and the reason. */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
