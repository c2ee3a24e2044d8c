package org.lorastudio.nn;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A named weight of a {@link Module}: its expected shape is fixed when the module is built (from config), its value
 * is set by a loader or an initializer. Loading checks the shape, so a wrong base model is caught with the key named.
 */
public final class Parameter {
    private final String name;
    private final long[] shape;
    private NDArray value;
    private boolean trainable;

    Parameter(String name, long[] shape) {
        this.name = name;
        this.shape = shape.clone();
    }

    /** The local name (last component of the dotted key). */
    public String name() {
        return name;
    }

    public Shape shape() {
        return new Shape(shape);
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public boolean isSet() {
        return value != null;
    }

    /** The value; fails with a clear message when the weights were never loaded. */
    public NDArray array() {
        if (value == null) {
            throw new IllegalStateException("parameter '" + name + "' " + Arrays.toString(shape) + " was never loaded");
        }
        return value;
    }

    /** Sets the value after checking its shape; the previous array (if any) is not closed here. */
    public void set(NDArray array) {
        if (!Arrays.equals(array.getShape().getShape(), shape)) {
            throw new IllegalArgumentException("parameter '" + name + "' expects shape " + Arrays.toString(shape)
                    + ", got " + array.getShape());
        }
        this.value = array;
    }

    public boolean isTrainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        if (value != null) {
            value.setRequiresGradient(trainable);
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
