/*
 * The .embert model, linked into the program as read-only data.
 *
 * EMBERT_FIRMWARE_MODEL_FILE is the path of the file (a string, defined by
 * CMakeLists.txt). The data starts on a 64-byte boundary, as
 * embert_model_load_buffer requires (EMBERT_MODEL_ALIGNMENT), and the SDK
 * reads the weights from here in place: the model costs flash, not RAM.
 *
 *   extern const unsigned char embert_firmware_model[];
 *   extern const uint32_t embert_firmware_model_size;
 *
 * Assembles with GNU as for x86-64, AArch64 and 32-bit ARM ('%' types and no
 * '@', which starts a comment on ARM).
 */
#ifndef EMBERT_FIRMWARE_MODEL_FILE
#error "define EMBERT_FIRMWARE_MODEL_FILE as the quoted path of the .embert file"
#endif

	.section .rodata.embert_firmware_model, "a", %progbits
	.balign 64
	.globl embert_firmware_model
	.type embert_firmware_model, %object
embert_firmware_model:
	.incbin EMBERT_FIRMWARE_MODEL_FILE
embert_firmware_model_end:
	.size embert_firmware_model, embert_firmware_model_end - embert_firmware_model

	.balign 4
	.globl embert_firmware_model_size
	.type embert_firmware_model_size, %object
embert_firmware_model_size:
	.long embert_firmware_model_end - embert_firmware_model
	.size embert_firmware_model_size, 4

	.section .note.GNU-stack, "", %progbits
