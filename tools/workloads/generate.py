#!/usr/bin/env python3
"""Writes configs/workloads/*.yaml from compact architecture descriptions.

The YAML files are the product (reviewed and committed); this script only saves typing and
prints each network's totals so they can be compared with published figures. It mirrors the
loader's shape rules (see docs/workloads.md); the C# tests are the authority.
Usage: python3 tools/workloads/generate.py [--check]   (--check: print totals, write nothing)
"""
import math
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "configs", "workloads")


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def out_size(n, k, s, p, d):
    if p == "same":
        return -(-n // s)
    if p == "valid":
        p = 0
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def fmt(v):
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class Net:
    def __init__(self, name, domain, description, source, input_shape):
        self.name, self.domain, self.description, self.source = name, domain, description, source
        self.h, self.w, self.c = input_shape
        self.lines = []
        self.macs = 0
        self.params = 0
        self.published = None

    # --- bookkeeping -------------------------------------------------------------------------
    def comment(self, text):
        self.lines.append(f"  # {text}")

    def _emit(self, fields):
        self.lines.append("  - {" + ", ".join(f"{k}: {fmt(v)}" for k, v in fields.items()) + "}")

    def _opt(self, fields, key, value, default):
        if value != default:
            fields[key] = value

    @property
    def shape(self):
        return (self.h, self.w, self.c)

    def set_shape(self, h, w, c):
        self.h, self.w, self.c = h, w, c

    # --- layers ------------------------------------------------------------------------------
    def conv(self, name, out, k, s=1, p=None, d=1, g=1, bias=False, src=None):
        h, w, c = src or self.shape
        kh, kw = pair(k)
        sh, sw = pair(s)
        dh, dw = pair(d)
        if p is None:
            p = [dh * (kh - 1) // 2, dw * (kw - 1) // 2] if (kh, kw) != (1, 1) else 0
            p = p[0] if isinstance(p, list) and p[0] == p[1] else p
        ph, pw = (p, p) if isinstance(p, (int, str)) else p
        oh, ow = out_size(h, kh, sh, ph, dh), out_size(w, kw, sw, pw, dw)
        f = {"name": name, "op": "conv2d", "input": [h, w, c], "out_channels": out,
             "kernel": k if isinstance(k, int) else list(k)}
        self._opt(f, "stride", s if isinstance(s, int) else list(s), 1)
        if p != 0:
            f["padding"] = p if isinstance(p, (int, str)) else list(p)
        self._opt(f, "dilation", d, 1)
        self._opt(f, "groups", g, 1)
        self._opt(f, "bias", bias, False)
        self._emit(f)
        assert c % g == 0 and out % g == 0
        self.macs += oh * ow * out * (c // g) * kh * kw
        self.params += out * (c // g) * kh * kw + (out if bias else 0)
        self.set_shape(oh, ow, out)

    def dw(self, name, k, s=1, p=None, d=1, bias=False):
        h, w, c = self.shape
        if p is None:
            p = d * (k - 1) // 2
        oh, ow = out_size(h, k, s, p, d), out_size(w, k, s, p, d)
        f = {"name": name, "op": "depthwise", "input": [h, w, c], "kernel": k}
        self._opt(f, "stride", s, 1)
        self._opt(f, "padding", p, 0)
        self._opt(f, "dilation", d, 1)
        self._opt(f, "bias", bias, False)
        self._emit(f)
        self.macs += oh * ow * c * k * k
        self.params += c * k * k + (c if bias else 0)
        self.set_shape(oh, ow, c)

    def upconv(self, name, out, k=2, bias=True):
        h, w, c = self.shape
        f = {"name": name, "op": "conv_transpose2d", "input": [h, w, c], "out_channels": out,
             "kernel": k, "stride": k}
        self._opt(f, "bias", bias, False)
        self._emit(f)
        self.macs += h * w * c * out * k * k
        # the loader lowers this to a 1x1 conv with k*k*out outputs, so a bias counts k*k times
        self.params += c * out * k * k + (out * k * k if bias else 0)
        self.set_shape(h * k, w * k, out)

    def matmul(self, name, k, n, m=1, bias=True, repeat=1):
        f = {"name": name, "op": "matmul"}
        self._opt(f, "m", m, 1)
        f["k"], f["n"] = k, n
        self._opt(f, "bias", bias, False)
        self._opt(f, "repeat", repeat, 1)
        self._emit(f)
        self.macs += m * k * n * repeat
        self.params += k * n + (n if bias else 0)

    def lstm(self, name, input_size, hidden, steps, projection=None, bidirectional=False):
        f = {"name": name, "op": "lstm", "input_size": input_size, "hidden_size": hidden}
        if projection:
            f["projection"] = projection
        f["steps"] = steps
        self._opt(f, "bidirectional", bidirectional, False)
        self._emit(f)
        rec = projection or hidden
        per_dir_macs = (input_size + rec) * 4 * hidden + (hidden * projection if projection else 0)
        per_dir_params = (input_size + rec) * 4 * hidden + 4 * hidden + (hidden * projection if projection else 0)
        dirs = 2 if bidirectional else 1
        self.macs += dirs * per_dir_macs * steps
        self.params += dirs * per_dir_params

    def pool(self, name, kind, k, s=None, p=0, src=None):
        h, w, c = src or self.shape
        f = {"name": name, "op": "pool", "kind": kind, "input": [h, w, c]}
        if k == "global":
            f["kernel"] = "global"
            oh = ow = 1
        else:
            kh, kw = pair(k)
            sh, sw = pair(s if s is not None else k)
            ph, pw = pair(p)
            f["kernel"] = k if isinstance(k, int) else list(k)
            if s is not None and s != k:
                f["stride"] = s if isinstance(s, int) else list(s)
            if p != 0:
                f["padding"] = p if isinstance(p, int) else list(p)
            oh, ow = out_size(h, kh, sh, ph, 1), out_size(w, kw, sw, pw, 1)
        self._emit(f)
        self.set_shape(oh, ow, c)

    def elementwise(self, name, kind, shape=None, repeat=1):
        f = {"name": name, "op": "elementwise", "kind": kind, "input": list(shape or self.shape)}
        self._opt(f, "repeat", repeat, 1)
        self._emit(f)

    def upsample(self, name, size, src=None):
        h, w, c = src or self.shape
        self._emit({"name": name, "op": "upsample", "input": [h, w, c], "output": list(size)})
        self.set_shape(size[0], size[1], c)

    # --- output ------------------------------------------------------------------------------
    def publish(self, macs, params, convention, source):
        self.published = (macs, params, convention, source)

    def write(self, check):
        m, p, conv, src = self.published
        dm = (self.macs - m) / m * 100
        dp = (self.params - p) / p * 100
        print(f"{self.name:20s} macs {self.macs/1e6:10.2f}M vs {m/1e6:10.2f}M ({dm:+5.2f}%)  "
              f"params {self.params/1e6:8.3f}M vs {p/1e6:8.3f}M ({dp:+5.2f}%)")
        if check:
            return
        q = lambda s: '"' + s.replace('"', "'") + '"'
        text = [
            "# Generated by tools/workloads/generate.py, then reviewed; schema: docs/workloads.md.",
            f"# Computed totals (loader convention): {self.macs:_} MACs, {self.params:_} parameters.",
            f"name: {self.name}",
            f"domain: {self.domain}",
            f"description: {q(self.description)}",
            f"source: {q(self.source)}",
            "published:",
            f"  macs: {int(m):_}",
            f"  parameters: {int(p):_}",
            f"  convention: {q(conv)}",
            f"  source: {q(src)}",
            "layers:",
        ] + self.lines
        with open(os.path.join(OUT, self.name + ".yaml"), "w") as fh:
            fh.write("\n".join(text) + "\n")


def make_divisible(v, divisor=8, min_value=None):
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


# ------------------------------------------------------------------------------------------------
# Classification networks


def mbv2_body(n, taps=None):
    """MobileNetV2 features up to the 1x1 conv to 1280 (torchvision mobilenet_v2 layout)."""
    n.comment("stem")
    n.conv("conv1", 32, 3, 2)
    cfg = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    b = 0
    for t, c, reps, s in cfg:
        for i in range(reps):
            b += 1
            stride = s if i == 0 else 1
            cin = n.c
            shape_in = n.shape
            n.comment(f"block {b}: inverted residual t={t} c={c} s={stride}")
            if t != 1:
                n.conv(f"b{b}_expand", cin * t, 1)
            if taps is not None and b == 14:
                taps["b14_expand"] = n.shape  # SSD taps the expansion output of block 14 (TF layer_15)
            n.dw(f"b{b}_dw", 3, stride)
            n.conv(f"b{b}_project", c, 1)
            if stride == 1 and cin == c:
                n.elementwise(f"b{b}_add", "add", shape_in)
    n.comment("head")
    n.conv("conv_last", 1280, 1)


def mobilenet_v2():
    n = Net("mobilenet_v2", "classification",
            "MobileNetV2 1.0 at 224x224: inverted residuals with linear bottlenecks, 1000 classes.",
            "Sandler et al. 2018, 'MobileNetV2: Inverted Residuals and Linear Bottlenecks', Table 2; layer layout as torchvision.models.mobilenet_v2",
            (224, 224, 3))
    mbv2_body(n)
    n.pool("avgpool", "avg", "global")
    n.matmul("classifier", 1280, 1000)
    n.publish(300e6, 3.47e6,
              "multiply-adds of conv and fully connected layers; parameters = conv weights + classifier weights and bias, BatchNorm folded away (not counted)",
              "Sandler et al. 2018 Table 4 / TF-slim MobileNet README: 300M MACs, 3.47M parameters")
    return n


def se(n, name, channels, squeeze, shape):
    n.pool(f"{name}_se_pool", "avg", "global", src=shape)
    n.matmul(f"{name}_se_reduce", channels, squeeze)
    n.matmul(f"{name}_se_expand", squeeze, channels)
    n.elementwise(f"{name}_se_scale", "mul", shape)
    n.set_shape(*shape)


def mbv3_large_body(n, dilate_last=False, taps=None):
    n.comment("stem")
    n.conv("conv1", 16, 3, 2)
    cfg = [  # kernel, expanded, out, se, stride
        (3, 16, 16, False, 1), (3, 64, 24, False, 2), (3, 72, 24, False, 1),
        (5, 72, 40, True, 2), (5, 120, 40, True, 1), (5, 120, 40, True, 1),
        (3, 240, 80, False, 2), (3, 200, 80, False, 1), (3, 184, 80, False, 1), (3, 184, 80, False, 1),
        (3, 480, 112, True, 1), (3, 672, 112, True, 1),
        (5, 672, 160, True, 2), (5, 960, 160, True, 1), (5, 960, 160, True, 1)]
    for b, (k, e, c, use_se, s) in enumerate(cfg, start=1):
        d = 1
        if dilate_last and b >= 13:  # output stride 16: last stage keeps resolution, dilates instead
            d, s = 2, 1
        cin, shape_in = n.c, n.shape
        n.comment(f"block {b}: bneck k={k} exp={e} out={c} se={'yes' if use_se else 'no'} s={s}" + (f" d={d}" if d > 1 else ""))
        if e != cin:
            n.conv(f"b{b}_expand", e, 1)
        n.dw(f"b{b}_dw", k, s, d=d)
        if use_se:
            se(n, f"b{b}", e, make_divisible(e // 4, 8), n.shape)
        n.conv(f"b{b}_project", c, 1)
        if s == 1 and cin == c:
            n.elementwise(f"b{b}_add", "add", shape_in)
        if taps is not None:
            taps[b] = n.shape
    n.comment("head")
    n.conv("conv_last", 960, 1)


def mobilenet_v3_large():
    n = Net("mobilenet_v3_large", "classification",
            "MobileNetV3-Large 1.0 at 224x224 with squeeze-and-excitation and hard-swish, 1000 classes.",
            "Howard et al. 2019, 'Searching for MobileNetV3', Table 1; layer layout as torchvision.models.mobilenet_v3_large",
            (224, 224, 3))
    mbv3_large_body(n)
    n.pool("avgpool", "avg", "global")
    n.matmul("classifier1", 960, 1280)
    n.matmul("classifier2", 1280, 1000)
    n.publish(219e6, 5.4e6,
              "multiply-adds of conv, SE and fully connected layers; parameters = weights + biases of bias-carrying layers (SE and classifier), BatchNorm folded away",
              "Howard et al. 2019 Table 3: MobileNetV3-Large 1.0, 219M MAdds, 5.4M parameters (torchvision lists 0.22 GFLOPS, 5,483,032 parameters incl. BatchNorm)")
    return n


def mobilenet_edgetpu():
    n = Net("mobilenet_edgetpu", "classification",
            "MobileNet-EdgeTPU 1.0 at 224x224: fused (full 3x3 conv) inverted bottlenecks in the early stages, depthwise IBNs later, no SE; 1001 classes (TF-slim).",
            "Gupta & Akin 2019 (Google AI blog 'Introducing the Next Generation of On-Device Vision Models: MobileNetV3 and MobileNetEdgeTPU'); spec V3_EDGETPU in tensorflow/models research/slim/nets/mobilenet/mobilenet_v3.py",
            (224, 224, 3))
    n.comment("stem")
    n.conv("conv1", 32, 3, 2)
    fused = [(3, 1, 1, 16), (3, 2, 8, 32), (3, 1, 4, 32), (3, 1, 4, 32), (3, 1, 4, 32),
             (3, 2, 8, 48), (3, 1, 4, 48), (3, 1, 4, 48), (3, 1, 4, 48)]
    regular = [(3, 2, 8, 96, True), (3, 1, 4, 96, True), (3, 1, 4, 96, True), (3, 1, 4, 96, True),
               (3, 1, 8, 96, False), (3, 1, 4, 96, True), (3, 1, 4, 96, True), (3, 1, 4, 96, True),
               (5, 2, 8, 160, True), (5, 1, 4, 160, True), (5, 1, 4, 160, True), (5, 1, 4, 160, True),
               (3, 1, 8, 192, True)]
    b = 0
    for k, s, ef, c in fused:
        b += 1
        cin, shape_in = n.c, n.shape
        n.comment(f"block {b}: fused IBN k={k} s={s} expansion={ef} out={c}")
        if ef != 1:  # TF-slim expanded_conv skips the expansion when it would not widen the input
            n.conv(f"b{b}_fused_expand", cin * ef, k, s)
        n.conv(f"b{b}_project", c, 1)
        if s == 1 and cin == c:
            n.elementwise(f"b{b}_add", "add", shape_in)
    for k, s, ef, c, res in regular:
        b += 1
        cin, shape_in = n.c, n.shape
        n.comment(f"block {b}: IBN k={k} s={s} expansion={ef} out={c}" + ("" if res else " (no residual)"))
        n.conv(f"b{b}_expand", cin * ef, 1)
        n.dw(f"b{b}_dw", k, s)
        n.conv(f"b{b}_project", c, 1)
        if s == 1 and cin == c and res:
            n.elementwise(f"b{b}_add", "add", shape_in)
    n.comment("head")
    n.conv("conv_last", 1280, 1)
    n.pool("avgpool", "avg", "global")
    n.conv("logits", 1001, 1, bias=True)
    n.publish(990e6, 4.0e6,
              "multiply-adds of conv layers (the classifier is a 1x1 conv); parameters = weights + logits bias, BatchNorm not counted",
              "tensorflow/models research/slim/nets/mobilenet/README.md, Edge TPU checkpoints table: MobilenetEdgeTPU dm=1, 990M MACs, 4.0M parameters")
    return n


def resnet50_body(n):
    """ResNet-50 v1.5 from the stem convolution to the classifier, at whatever input size `n` starts from
    (also used by experiments/calibration/coral_workloads.py for the 299x299 variant)."""
    n.conv("conv1", 64, 7, 2, 3)
    n.pool("maxpool", "max", 3, 2, 1)
    for stage, (width, blocks, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)], start=2):
        for i in range(blocks):
            s = stride if i == 0 else 1
            name = f"res{stage}{chr(ord('a') + i)}"
            shape_in = n.shape
            n.comment(f"{name}: bottleneck {width}-{width}-{width * 4}, stride {s}")
            n.conv(f"{name}_1x1a", width, 1)
            n.conv(f"{name}_3x3", width, 3, s)
            n.conv(f"{name}_1x1b", width * 4, 1)
            out = n.shape
            if i == 0:
                n.conv(f"{name}_downsample", width * 4, 1, s, src=shape_in)
            n.elementwise(f"{name}_add", "add", out)
    n.comment("head")
    n.pool("avgpool", "avg", "global")
    n.matmul("fc", 2048, 1000)


def resnet50():
    n = Net("resnet50", "classification",
            "ResNet-50 (v1.5: stride in the 3x3 conv of each bottleneck) at 224x224, 1000 classes.",
            "He et al. 2016, 'Deep Residual Learning for Image Recognition', Table 1; layer layout as torchvision.models.resnet50",
            (224, 224, 3))
    n.comment("stem")
    resnet50_body(n)
    n.publish(4.09e9, 25.557032e6,
              "multiply-adds of conv and fully connected layers; parameters = weights + fc bias, BatchNorm not counted (torchvision's 25,557,032 includes 53,120 BatchNorm parameters)",
              "torchvision.models.resnet50 IMAGENET1K_V1 metadata: 4.09 GFLOPS (multiply-adds), 25,557,032 parameters")
    return n


def efficientnet_b0():
    n = Net("efficientnet_b0", "classification",
            "EfficientNet-B0 at 224x224: MBConv blocks with squeeze-and-excitation (ratio 0.25 of block input), swish, 1000 classes.",
            "Tan & Le 2019, 'EfficientNet: Rethinking Model Scaling for CNNs', Table 1; layer layout as torchvision.models.efficientnet_b0",
            (224, 224, 3))
    n.comment("stem")
    n.conv("stem", 32, 3, 2)
    cfg = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]
    b = 0
    for e, k, s, c, reps in cfg:
        for i in range(reps):
            b += 1
            stride = s if i == 0 else 1
            cin, shape_in = n.c, n.shape
            n.comment(f"block {b}: MBConv{e} k={k} s={stride} out={c}")
            if e != 1:
                n.conv(f"b{b}_expand", cin * e, 1)
            n.dw(f"b{b}_dw", k, stride)
            se(n, f"b{b}", cin * e, max(1, cin // 4), n.shape)
            n.conv(f"b{b}_project", c, 1)
            if stride == 1 and cin == c:
                n.elementwise(f"b{b}_add", "add", shape_in)
    n.comment("head")
    n.conv("head", 1280, 1)
    n.pool("avgpool", "avg", "global")
    n.matmul("classifier", 1280, 1000)
    n.publish(0.39e9, 5.3e6,
              "multiply-adds of conv, SE and fully connected layers; parameters = weights + biases of SE and classifier, BatchNorm not counted",
              "Tan & Le 2019 Table 2: EfficientNet-B0 0.39B FLOPS (multiply-adds), 5.3M parameters")
    return n


# ------------------------------------------------------------------------------------------------
# Detection, OCR, segmentation, speech


def ssdlite_mobilenet_v2():
    n = Net("ssdlite_mobilenet_v2", "detection",
            "SSDLite with a MobileNetV2 backbone at 320x320 (COCO: 80 categories + background): separable-conv box/class predictors on 6 feature maps (20,10,5,3,2,1), 3 anchors on the first map and 6 on the others; post-processing (NMS) not modelled.",
            "Sandler et al. 2018, Sec. 6.2 and Table 6 (SSDLite); feature layout as TF object detection API ssd_mobilenet_v2_feature_extractor (layer_15/expansion_output, layer_19, extra depths 512,256,256,128) with use_depthwise box predictors",
            (320, 320, 3))
    taps = {}
    mbv2_body(n, taps)
    maps = [("fm1", taps["b14_expand"]), ("fm2", n.shape)]
    n.comment("extra feature layers: 1x1 conv to depth/2, then separable 3x3 stride 2 to depth")
    for i, depth in enumerate([512, 256, 256, 128], start=3):
        n.conv(f"extra{i}_1x1", depth // 2, 1)
        n.dw(f"extra{i}_dw", 3, 2)
        n.conv(f"extra{i}_pw", depth, 1)
        maps.append((f"fm{i}", n.shape))
    # 80 COCO categories + background reproduce the paper's 4.3M; the TF model zoo config uses 90 + 1
    # label slots (sparse COCO ids), which adds 0.16M parameters in the class predictors.
    classes = 81
    for i, (name, shape) in enumerate(maps):
        anchors = 3 if i == 0 else 6
        n.comment(f"predictors on {name} {shape[0]}x{shape[1]}x{shape[2]}: {anchors} anchors, box (4) and class ({classes}) separable convs")
        for head, width in (("box", 4), ("class", classes)):
            n.set_shape(*shape)
            n.dw(f"{name}_{head}_dw", 3)
            n.conv(f"{name}_{head}_pw", anchors * width, 1, bias=True)
    n.publish(0.8e9, 4.3e6,
              "multiply-adds of conv layers (backbone without classifier, extra layers, box and class predictors); parameters = weights + predictor biases, BatchNorm not counted",
              "Sandler et al. 2018 Table 6: SSDLite (MobileNetV2) 4.3M parameters, 0.8B MAdds at 320x320")
    return n


def crnn():
    n = Net("crnn", "ocr",
            "CRNN for scene-text recognition on a 32x100 grey image: VGG-style conv stack to a 26-step feature sequence, two bidirectional LSTMs (256 per direction) with linear projections, 37 output classes (36 alphanumerics + CTC blank).",
            "Shi, Bai & Yao 2015, 'An End-to-End Trainable Neural Network for Image-based Sequence Recognition', Table 1; projections as in the authors' Torch implementation (bgshih/crnn, BidirectionalLSTM(512,256,256), BidirectionalLSTM(256,256,37))",
            (32, 100, 1))
    n.conv("conv1", 64, 3, bias=True)
    n.pool("pool1", "max", 2)
    n.conv("conv2", 128, 3, bias=True)
    n.pool("pool2", "max", 2)
    n.conv("conv3", 256, 3, bias=True)
    n.conv("conv4", 256, 3, bias=True)
    n.pool("pool3", "max", 2, [2, 1], [0, 1])
    n.comment("BatchNorm follows conv5 and conv6 (Table 1), so they carry no bias")
    n.conv("conv5", 512, 3)
    n.conv("conv6", 512, 3)
    n.pool("pool4", "max", 2, [2, 1], [0, 1])
    n.conv("conv7", 512, 2, p=0, bias=True)
    steps = n.w
    n.comment(f"map-to-sequence: 1x{steps}x512 -> {steps} steps of 512 features")
    n.lstm("blstm1", 512, 256, steps, bidirectional=True)
    n.matmul("blstm1_embed", 512, 256, m=steps)  # time-distributed linear: one matmul over the sequence
    n.lstm("blstm2", 256, 256, steps, bidirectional=True)
    n.matmul("blstm2_embed", 512, 37, m=steps)
    n.publish(n.macs, 8.3e6,
              "parameters = conv and LSTM weights + one bias per gate + conv biases where there is no BatchNorm; MACs are derived by this repository (the paper publishes no MAC count) and count conv, LSTM gate and projection multiply-adds",
              "Shi et al. 2015 Sec. 3.3: 8.3M parameters; MACs derived")
    return n


def unet():
    n = Net("unet", "segmentation",
            "Original U-Net on a 572x572 single-channel tile with unpadded (valid) 3x3 convs, 2x2 max pools, 2x2 up-convolutions and a 388x388x2 output; skip-connection crop and concatenation are free.",
            "Ronneberger, Fischer & Brox 2015, 'U-Net: Convolutional Networks for Biomedical Image Segmentation', Fig. 1",
            (572, 572, 1))
    skips = []
    for level, width in enumerate([64, 128, 256, 512, 1024], start=1):
        n.comment(f"contracting level {level}: two valid 3x3 convs to {width}")
        n.conv(f"down{level}_conv1", width, 3, p=0, bias=True)
        n.conv(f"down{level}_conv2", width, 3, p=0, bias=True)
        if level < 5:
            skips.append(n.shape)
            n.pool(f"down{level}_pool", "max", 2)
    for level, width in zip([4, 3, 2, 1], [512, 256, 128, 64]):
        n.comment(f"expanding level {level}: 2x2 up-conv to {width}, crop+concat with {skips[level - 1][2]} skip channels, two valid 3x3 convs")
        n.upconv(f"up{level}_upconv", width)
        n.set_shape(n.h, n.w, width * 2)
        n.conv(f"up{level}_conv1", width, 3, p=0, bias=True)
        n.conv(f"up{level}_conv2", width, 3, p=0, bias=True)
    n.conv("classifier", 2, 1, bias=True)
    n.publish(n.macs, 31.03e6,
              "parameters = weights + biases (each 2x2 up-conv bias counted 4 times, +2,880, see docs); the paper publishes no totals: reimplementations of this exact architecture report 31.03-31.04M in their model summaries; MACs are derived by this repository (valid convs at 572x572, up-convs as 1x1 convs producing 2x2xC outputs)",
              "Ronneberger et al. 2015 (architecture, Fig. 1); parameter figure from reimplementations' model summaries (e.g. Keras 572->388 U-Net: 31,030,658; PyTorch U-Nets with BatchNorm: 31.04M); MACs derived")
    return n


def deeplabv3_mobilenet_v3_large():
    n = Net("deeplabv3_mobilenet_v3_large", "segmentation",
            "DeepLabV3 with a dilated MobileNetV3-Large backbone (output stride 16) at 520x520, ASPP (rates 12, 24, 36 + image pooling), 21 classes (Pascal VOC), with the auxiliary FCN head; final bilinear upsampling included.",
            "Chen et al. 2017, 'Rethinking Atrous Convolution for Semantic Image Segmentation'; layer layout as torchvision.models.segmentation.deeplabv3_mobilenet_v3_large",
            (520, 520, 3))
    taps = {}
    mbv3_large_body(n, dilate_last=True, taps=taps)
    aux_shape = taps[6]  # 1/8 resolution, 40 channels: torchvision's aux tap
    out = n.shape
    n.comment("ASPP: 1x1 branch, three dilated 3x3 branches, image-pooling branch, 1x1 projection of the concatenation")
    n.conv("aspp_1x1", 256, 1, src=out)
    for i, rate in enumerate([12, 24, 36], start=1):
        n.conv(f"aspp_3x3_rate{rate}", 256, 3, d=rate, src=out)
    n.pool("aspp_pool", "avg", "global", src=out)
    n.conv("aspp_pool_1x1", 256, 1)
    n.upsample("aspp_pool_upsample", [out[0], out[1]])
    n.set_shape(out[0], out[1], 256 * 5)
    n.conv("aspp_project", 256, 1)
    n.conv("head_3x3", 256, 3)
    n.conv("head_classifier", 21, 1, bias=True)
    n.upsample("upsample", [520, 520])
    n.comment("auxiliary FCN head on the 1/8-resolution 40-channel features (part of the published model)")
    n.conv("aux_3x3", 10, 3, src=aux_shape)
    n.conv("aux_classifier", 21, 1, bias=True)
    n.upsample("aux_upsample", [520, 520])
    n.publish(10.45e9, 11.029328e6,
              "multiply-adds of conv layers incl. the auxiliary head; parameters = weights + biases of SE and classifier convs, BatchNorm not counted (torchvision's 11,029,328 includes BatchNorm)",
              "torchvision deeplabv3_mobilenet_v3_large COCO_WITH_VOC_LABELS_V1 metadata: 10.45 GFLOPS (multiply-adds) at 520x520, 11,029,328 parameters")
    return n


RNNT_FRAMES = 100      # 3 s of audio: 10 ms log-mel frames stacked 4 at a time and subsampled to 30 ms
RNNT_TOKENS = 10       # wordpieces emitted for those 3 s (about 8 words)
RNNT_SOURCE = ("He et al. 2019, 'Streaming End-to-end Speech Recognition for Mobile Devices' (ICASSP), Sec. 2-4: "
               "8-layer LSTM encoder and 2-layer prediction network, 2048 cells with 640 projection each, "
               "time reduction x2 after encoder layer 2, joint network 640 units, 4096 wordpieces")


def rnnt_encoder():
    n = Net("rnnt_encoder", "speech",
            f"RNN-T encoder for {RNNT_FRAMES * 30 // 1000} s of audio: 8 unidirectional LSTMP layers (2048 cells, 640 projection) on 320-dim inputs (4 stacked 80-dim log-mel frames at 30 ms); a time-reduction layer after layer 2 concatenates frame pairs (1280 inputs, half the steps).",
            RNNT_SOURCE, (1, 1, 1))
    n.lstm("enc1", 320, 2048, RNNT_FRAMES, projection=640)
    n.lstm("enc2", 640, 2048, RNNT_FRAMES, projection=640)
    n.comment("time reduction: concatenate consecutive frame pairs (free), 60 ms frame rate")
    n.lstm("enc3", 1280, 2048, RNNT_FRAMES // 2, projection=640)
    for i in range(4, 9):
        n.lstm(f"enc{i}", 640, 2048, RNNT_FRAMES // 2, projection=640)
    return n


def rnnt_decoder():
    n = Net("rnnt_decoder", "speech",
            f"RNN-T decoder for the same {RNNT_FRAMES * 30 // 1000} s: prediction network (2 LSTMP layers, 2048 cells, 640 projection, on a 128-dim wordpiece embedding, whose lookup is not modelled) run once per emitted token ({RNNT_TOKENS}), and the joint network (640 units, 4096 wordpieces + blank) run once per encoder frame and per emitted token under greedy decoding.",
            RNNT_SOURCE + "; embedding width 128 is this repository's assumption (not stated in the paper)", (1, 1, 1))
    t = RNNT_FRAMES // 2
    n.comment("the previous wordpiece enters through a 4096x128 embedding table: a lookup, not modelled (0.52M parameters not counted)")
    n.lstm("pred1", 128, 2048, RNNT_TOKENS, projection=640)
    n.lstm("pred2", 640, 2048, RNNT_TOKENS, projection=640)
    n.comment("joint network: encoder and prediction projections, then tanh and the output layer")
    n.matmul("joint_encoder_proj", 640, 640, repeat=t)
    n.matmul("joint_prediction_proj", 640, 640, repeat=RNNT_TOKENS)
    n.elementwise("joint_add", "add", (1, 1, 640), repeat=t + RNNT_TOKENS)
    n.matmul("joint_output", 640, 4097, repeat=t + RNNT_TOKENS)
    return n


def rnnt_publish(enc, dec):
    total = enc.params + dec.params
    conv = ("no per-part figure is published: these are the values derived here (MACs: LSTM gate, projection and joint "
            "multiply-adds for the stated steps; parameters: weights + one bias per gate and per joint layer); "
            f"the whole model (encoder + decoder = {total / 1e6:.1f}M, +2.5%; without the 0.52M embedding table) is checked against the paper's 117M in the tests")
    src = "He et al. 2019: 117M parameters for the whole RNN-T (about 450 MB in float32 per the Google AI blog, March 2019)"
    enc.publish(enc.macs, enc.params, conv, src)
    dec.publish(dec.macs, dec.params, conv, src)
    print(f"rnnt total params {total / 1e6:.2f}M vs 117M ({(total - 117e6) / 117e6 * 100:+.2f}%)")

NETWORKS = [mobilenet_v2, mobilenet_v3_large, mobilenet_edgetpu, resnet50, efficientnet_b0,
            ssdlite_mobilenet_v2, crnn, unet, deeplabv3_mobilenet_v3_large]

if __name__ == "__main__":
    check = "--check" in sys.argv
    for make in NETWORKS:
        make().write(check)
    encoder, decoder = rnnt_encoder(), rnnt_decoder()
    rnnt_publish(encoder, decoder)
    encoder.write(check)
    decoder.write(check)
