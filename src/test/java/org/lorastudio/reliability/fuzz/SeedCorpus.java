package org.lorastudio.reliability.fuzz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsWriter;

/**
 * Writes the binary seeds of the safetensors and LoRA corpora (the text seeds are written by hand). Run once when
 * the seeds need to change:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.lorastudio.reliability.fuzz.SeedCorpus
 * src/test/resources/reliability/fuzz}. The files are small on purpose: mutations should hit the header.
 */
public final class SeedCorpus {
    private SeedCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        Path st = Files.createDirectories(root.resolve("safetensors"));
        new SafetensorsWriter().addFloats("w", new long[] {2, 3}, floats(6), DType.F32)
                .addFloats("b", new long[] {3}, floats(3), DType.F16).metadata("format", "pt")
                .write(st.resolve("seed-float.safetensors"));
        new SafetensorsWriter().addFloats("h", new long[] {2, 2}, floats(4), DType.BF16)
                .addFloats("d", new long[] {1}, floats(1), DType.F64)
                .addLongs("ids", new long[] {2, 1}, new long[] {7, -7})
                .add("u8", DType.U8, new long[] {4}, ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}))
                .add("flag", DType.BOOL, new long[] {2}, ByteBuffer.wrap(new byte[] {0, 1}))
                .add("f8", DType.F8_E4M3, new long[] {2}, ByteBuffer.wrap(new byte[] {1, 2}))
                .add("scalar", DType.I32, new long[] {}, ByteBuffer.wrap(new byte[] {1, 0, 0, 0}))
                .add("empty", DType.F32, new long[] {0, 4}, ByteBuffer.allocate(0))
                .write(st.resolve("seed-mixed.safetensors"));
        new SafetensorsWriter().write(st.resolve("seed-empty-header.safetensors"));

        Path lora = Files.createDirectories(root.resolve("lora"));
        String kohya = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";
        new SafetensorsWriter()
                .addFloats(kohya + ".lora_down.weight", new long[] {2, 4}, floats(8), DType.F16)
                .addFloats(kohya + ".lora_up.weight", new long[] {4, 2}, floats(8), DType.F16)
                .addFloats(kohya + ".alpha", new long[] {}, new float[] {1}, DType.F16)
                .addFloats("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", new long[] {1, 3},
                        floats(3), DType.F32)
                .addFloats("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", new long[] {5, 1},
                        floats(5), DType.F32)
                .addFloats("lora_unet_conv_in.lora_down.weight", new long[] {2, 3, 3, 3}, floats(54), DType.BF16)
                .addFloats("lora_unet_conv_in.lora_up.weight", new long[] {2, 2, 1, 1}, floats(4), DType.BF16)
                .metadata("ss_network_dim", "2").metadata("ss_network_alpha", "1")
                .write(lora.resolve("seed-kohya.safetensors"));
        new SafetensorsWriter()
                .addFloats("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_k.lora_A.weight",
                        new long[] {2, 4}, floats(8), DType.F32)
                .addFloats("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_k.lora_B.weight",
                        new long[] {4, 2}, floats(8), DType.F32)
                .addFloats("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight",
                        new long[] {1, 4}, floats(4), DType.F16)
                .addFloats("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight",
                        new long[] {4, 1}, floats(4), DType.F16)
                .write(lora.resolve("seed-diffusers.safetensors"));
        new SafetensorsWriter()
                .addFloats("unet.mid_block.attentions.0.transformer_blocks.0.attn2.processor.to_out_lora.down.weight",
                        new long[] {2, 4}, floats(8), DType.F32)
                .addFloats("unet.mid_block.attentions.0.transformer_blocks.0.attn2.processor.to_out_lora.up.weight",
                        new long[] {4, 2}, floats(8), DType.F32)
                .addFloats("unet.up_blocks.1.resnets.0.conv1.lora.down.weight", new long[] {1, 2}, floats(2), DType.F32)
                .addFloats("unet.up_blocks.1.resnets.0.conv1.lora.up.weight", new long[] {2, 1}, floats(2), DType.F32)
                .write(lora.resolve("seed-diffusers-legacy.safetensors"));
        new SafetensorsWriter()
                .addFloats("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", new long[] {2, 4},
                        floats(8), DType.F32)
                .addFloats("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", new long[] {4, 2},
                        floats(8), DType.F32)
                .addFloats("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight", new long[] {2, 3},
                        floats(6), DType.BF16)
                .addFloats("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight", new long[] {4, 2},
                        floats(8), DType.BF16)
                .write(lora.resolve("seed-peft.safetensors"));
    }

    private static float[] floats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2f) / (n + 1);
        }
        return v;
    }
}
