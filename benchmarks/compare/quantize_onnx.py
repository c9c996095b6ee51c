#!/usr/bin/env python3
"""int8 dynamic quantization of an exported BERT, the way ONNX Runtime's
quantize_dynamic(weight_type=QInt8) does it by default, with the onnx
package only (Debian has python3-onnx, not onnxruntime's Python tools):

  every MatMul whose B is a 2-D initializer becomes
      DynamicQuantizeLinear(x) -> (x_u8, x_scale, x_zero_point)   (shared per input)
      MatMulInteger(x_u8, B_s8, x_zero_point, 0) -> Cast(float) -> Mul(x_scale * B_scale)
  with B symmetric int8 in [-127, 127], one scale per tensor (the default).
  ORT fuses the pattern into its DynamicQuantizeMatMul kernels when it loads
  the model. Attention products, LayerNorm, softmax, GELU and the 2-D Gemms
  of the pooler and classifier stay float32, as with quantize_dynamic.

  /usr/bin/python3 quantize_onnx.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    src, dst = sys.argv[1], sys.argv[2]
    model = onnx.load(src)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    nodes = []
    quantized_inputs = {}  # activation name -> (u8, scale, zero point)
    count = 0
    for node in g.node:
        b = node.input[1] if node.op_type == "MatMul" else None
        if b is None or b not in inits or len(inits[b].dims) != 2:
            nodes.append(node)
            continue
        w = numpy_helper.to_array(inits[b]).astype(np.float32)
        scale = np.float32(max(float(np.abs(w).max()), 1e-12) / 127.0)
        q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        base = node.name or ("matmul_%d" % count)
        count += 1
        g.initializer.append(numpy_helper.from_array(q, b + "_int8"))
        g.initializer.append(numpy_helper.from_array(np.array(0, dtype=np.int8), b + "_zero_point"))
        g.initializer.append(numpy_helper.from_array(np.array(scale, dtype=np.float32), b + "_scale"))
        x = node.input[0]
        if x not in quantized_inputs:
            qx = (x + "_u8", x + "_scale", x + "_zero_point")
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(qx), name=x + "_quantize"))
            quantized_inputs[x] = qx
        qx = quantized_inputs[x]
        nodes.append(helper.make_node("MatMulInteger", [qx[0], b + "_int8", qx[2], b + "_zero_point"],
                                      [base + "_int32"], name=base + "_integer"))
        nodes.append(helper.make_node("Cast", [base + "_int32"], [base + "_float"], to=TensorProto.FLOAT,
                                      name=base + "_cast"))
        nodes.append(helper.make_node("Mul", [qx[1], b + "_scale"], [base + "_scales"], name=base + "_scales"))
        nodes.append(helper.make_node("Mul", [base + "_float", base + "_scales"], [node.output[0]],
                                      name=base + "_rescale"))
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print("quantized %d MatMuls -> %s" % (count, dst))


if __name__ == "__main__":
    main()
