package org.lorastudio.train.sd;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.lorastudio.train.CropPlan;
import org.lorastudio.util.UserException;

/** Decoding, cropping and resizing of training images to their bucket, as float CHW pixels in [-1, 1]. */
public final class ImagePrep {
    private ImagePrep() {
    }

    public static BufferedImage read(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new UserException(file.getFileName() + ": cannot be decoded as an image; run `lorastudio dataset"
                    + " check` on the folder and remove or replace it");
        }
        return img;
    }

    /**
     * Applies {@code plan} (centred source rectangle → bucket size) with bicubic interpolation and returns the
     * pixels as float CHW in [-1, 1] ({@code x / 127.5 - 1}), mirrored left-right when {@code flip}.
     */
    public static float[] toTensor(BufferedImage src, CropPlan plan, boolean flip) {
        BufferedImage out = new BufferedImage(plan.width(), plan.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, plan.width(), plan.height(), plan.srcX(), plan.srcY(), plan.srcX() + plan.srcWidth(),
                plan.srcY() + plan.srcHeight(), null);
        g.dispose();
        int w = plan.width();
        int h = plan.height();
        float[] chw = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = out.getRGB(flip ? w - 1 - x : x, y);
                int i = y * w + x;
                chw[i] = ((rgb >> 16) & 255) / 127.5f - 1f;
                chw[w * h + i] = ((rgb >> 8) & 255) / 127.5f - 1f;
                chw[2 * w * h + i] = (rgb & 255) / 127.5f - 1f;
            }
        }
        return chw;
    }
}
