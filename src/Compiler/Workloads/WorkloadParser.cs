using System.Text.RegularExpressions;
using Apollo.Configuration;

namespace Apollo.Compiler.Workloads;

/// <summary>
/// Turns one workload YAML document into a <see cref="Workload"/>. The schema is documented in
/// docs/workloads.md; every rejection is a <see cref="ConfigException"/> naming file, line and field.
/// </summary>
internal static partial class WorkloadParser
{
    public static readonly string[] Domains = ["classification", "detection", "ocr", "segmentation", "speech"];

    public static readonly string[] Ops = ["conv2d", "depthwise", "conv_transpose2d", "matmul", "lstm", "pool", "elementwise", "upsample"];

    private static readonly string[] HeaderFields = ["name", "domain", "description", "source", "published", "layers"];
    private static readonly string[] PublishedFields = ["macs", "parameters", "convention", "source"];

    public static Workload Parse(YamlNode root)
    {
        if (!root.IsMapping)
        {
            throw root.Error("a workload file must be a mapping with fields: " + string.Join(", ", HeaderFields));
        }

        root.RejectUnknownKeys(HeaderFields);
        var nameNode = root.Get("name");
        var name = nameNode.AsString();
        if (!NamePattern().IsMatch(name))
        {
            throw nameNode.Error($"'{name}' is not a valid name; allowed: lower-case letters, digits, '_' and '-', starting with a letter");
        }

        var domain = root.Get("domain").AsChoice(Domains);
        var description = root.GetString("description");
        root.GetString("source"); // required so every shipped network states where its shape comes from
        var published = root.TryGet("published") is { } p ? ParsePublished(p) : null;

        var layersNode = root.Get("layers");
        var items = layersNode.Items();
        if (items.Count == 0)
        {
            throw layersNode.Error("a workload needs at least one layer");
        }

        var layers = new List<Layer>();
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        long total = 0;
        foreach (var item in items)
        {
            foreach (var layer in ParseLayer(item))
            {
                total = AddOperations(item, layer, total);
                if (!seen.TryAdd(layer.Name, item))
                {
                    throw item.Error("name", $"duplicate layer name '{layer.Name}' (first used at line {seen[layer.Name].Line}); layer names must be unique");
                }

                layers.Add(layer);
            }
        }

        return new Workload(name, domain, description, root.File, layers, published);
    }

    // Every count of a layer must stay below WorkloadLimits.MaxLayerOperations and the workload's operations
    // per inference below MaxWorkloadOperations, so that no later product or sum can overflow.
    private static long AddOperations(YamlNode item, Layer layer, long total)
    {
        var limit = WorkloadLimits.MaxLayerOperations;
        long operations;
        try
        {
            var shape = layer.Shape;
            operations = new[] { shape.Macs, shape.WeightElements, shape.InputElements, shape.OutputElements }.Max();
        }
        catch (OverflowException)
        {
            operations = long.MaxValue;
        }

        if (operations > limit)
        {
            throw item.Error($"layer '{layer.Name}' is too large: {Count(operations)} operations or elements per execution; at most {Count(limit)} (2^50) are allowed");
        }

        return operations <= (WorkloadLimits.MaxWorkloadOperations - total) / layer.Repeat
            ? total + (operations * layer.Repeat)
            : throw item.Error($"the workload is too large: with layer '{layer.Name}' (repeat {layer.Repeat}) it exceeds {Count(WorkloadLimits.MaxWorkloadOperations)} (2^53) operations per inference");
    }

    private static string Count(long n) => n == long.MaxValue ? "more than 9.2e18" : n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static PublishedFigures ParsePublished(YamlNode node)
    {
        node.RejectUnknownKeys(PublishedFields);
        return new PublishedFigures(Positive(node.Get("macs")), Positive(node.Get("parameters")), node.GetString("convention"), node.GetString("source"));
    }

    private static double Positive(YamlNode node)
    {
        var v = node.AsDouble();
        return v > 0 ? v : throw node.Error($"must be a positive number, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static IEnumerable<Layer> ParseLayer(YamlNode node)
    {
        if (!node.IsMapping)
        {
            throw node.Error("a layer must be a mapping such as {name: conv1, op: conv2d, ...}");
        }

        var name = node.GetString("name");
        var op = node.Get("op").AsChoice(Ops);
        return op switch
        {
            "conv2d" => [Conv(node, name)],
            "depthwise" => [Depthwise(node, name)],
            "conv_transpose2d" => [ConvTranspose(node, name)],
            "matmul" => [Matmul(node, name)],
            "lstm" => Lstm(node, name),
            "pool" => [Pool(node, name)],
            "elementwise" => [Elementwise(node, name)],
            _ => [Upsample(node, name)],
        };
    }

    private static Layer Conv(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "input", "out_channels", "kernel", "stride", "padding", "dilation", "groups", "bias", "repeat");
        var (h, w, c) = Input(node);
        var outChannels = Channels(node.Get("out_channels"));
        var groups = node.TryGet("groups") is { } g ? Channels(g) : 1;
        if (c % groups != 0 || outChannels % groups != 0)
        {
            throw node.Error("groups", $"input channels ({c}) and out_channels ({outChannels}) must both be divisible by groups ({groups})");
        }

        var window = Window(node, h, w);
        var shape = new LayerShape(LayerOp.Conv2d, groups, c / groups, outChannels / groups, window.P, window.Q, window.R, window.S,
            window.StrideH, window.StrideW, window.DilationH, window.DilationW, h, w);
        return new Layer(name, shape, Repeat(node), Bias(node, false));
    }

    private static Layer Depthwise(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "input", "multiplier", "kernel", "stride", "padding", "dilation", "bias", "repeat");
        var (h, w, c) = Input(node);
        var multiplier = node.TryGet("multiplier")?.AsInt(1, WorkloadLimits.MaxStride) ?? 1;
        var window = Window(node, h, w);
        var shape = new LayerShape(LayerOp.DepthwiseConv2d, c, 1, multiplier, window.P, window.Q, window.R, window.S,
            window.StrideH, window.StrideW, window.DilationH, window.DilationW, h, w);
        return new Layer(name, shape, Repeat(node), Bias(node, false));
    }

    // A transposed conv whose stride equals its kernel writes each output pixel from exactly one input
    // pixel, so it is exactly a 1x1 conv producing kernel_h*kernel_w*out_channels values per input pixel.
    private static Layer ConvTranspose(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "input", "out_channels", "kernel", "stride", "bias", "repeat");
        var (h, w, c) = Input(node);
        var outChannelsNode = node.Get("out_channels");
        var outChannels = Channels(outChannelsNode);
        var (kh, kw) = Pair(node, "kernel", null, 1, WorkloadLimits.MaxKernel);
        var strideNode = node.Get("stride");
        var (sh, sw) = Pair(node, "stride", null, 1, WorkloadLimits.MaxKernel);
        if (sh != kh || sw != kw)
        {
            throw strideNode.Error($"conv_transpose2d supports only stride equal to kernel ({kh}x{kw}), got {sh}x{sw}");
        }

        var expanded = (long)outChannels * kh * kw;
        if (expanded > WorkloadLimits.MaxExpandedChannels)
        {
            throw outChannelsNode.Error($"out_channels x kernel = {outChannels} x {kh} x {kw} = {expanded} exceeds {WorkloadLimits.MaxExpandedChannels} (the output channels of the equivalent 1x1 conv)");
        }

        var shape = new LayerShape(LayerOp.Conv2d, 1, c, (int)expanded, h, w, 1, 1, 1, 1, 1, 1, h, w);
        return new Layer(name, shape, Repeat(node), Bias(node, false));
    }

    private static Layer Matmul(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "m", "k", "n", "bias", "repeat");
        var m = node.TryGet("m") is { } mNode ? Channels(mNode) : 1;
        var k = Channels(node.Get("k"));
        var n = Channels(node.Get("n"));
        return new Layer(name, MatmulShape(m, k, n), Repeat(node), Bias(node, false));
    }

    private static LayerShape MatmulShape(int m, int k, int n) => new(LayerOp.Matmul, 1, k, n, m, 1, 1, 1, 1, 1, 1, 1, m, 1);

    // An LSTM's gate pre-activations are x_t·W_x + h_{t-1}·W_h (i, f, g, o: 4*hidden wide). The input part
    // does not depend on the recurrence, so it runs once over the whole sequence as one steps x input_size
    // matmul (as TFLite and XLA compile it); only h_{t-1}·W_h (recurrent -> 4*hidden) and the optional
    // projection hidden -> projection (LSTMP) run per step. The elementwise cell update is not modelled.
    private static IEnumerable<Layer> Lstm(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "input_size", "hidden_size", "projection", "steps", "bidirectional", "bias");
        var input = Channels(node.Get("input_size"));
        var hidden = Channels(node.Get("hidden_size"));
        int? projection = node.TryGet("projection") is { } projectionNode ? Channels(projectionNode) : null;
        var steps = node.Get("steps").AsInt(1, WorkloadLimits.MaxRepeat);
        var bias = Bias(node, true);
        var recurrent = projection ?? hidden;
        string[] directions = node.GetBool("bidirectional", false) ? ["_fw", "_bw"] : [""];
        var layers = new List<Layer>();
        foreach (var direction in directions)
        {
            layers.Add(new Layer($"{name}{direction}_input", MatmulShape(steps, input, 4 * hidden), 1, bias));
            layers.Add(new Layer($"{name}{direction}_gates", MatmulShape(1, recurrent, 4 * hidden), steps, false));
            if (projection is { } p)
            {
                layers.Add(new Layer($"{name}{direction}_projection", MatmulShape(1, hidden, p), steps, false));
            }
        }

        return layers;
    }

    private static Layer Pool(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "kind", "input", "kernel", "stride", "padding", "repeat");
        node.Get("kind").AsChoice("max", "avg");
        var (h, w, c) = Input(node);
        LayerShape shape;
        if (node.Get("kernel").Node is YamlDotNet.RepresentationModel.YamlScalarNode { Value: "global" })
        {
            foreach (var key in new[] { "stride", "padding" })
            {
                if (node.TryGet(key) is { } extra)
                {
                    throw extra.Error("not allowed with kernel: global (the window is the whole input)");
                }
            }

            shape = new LayerShape(LayerOp.Pool, c, 1, 1, 1, 1, h, w, 1, 1, 1, 1, h, w);
        }
        else
        {
            var window = Window(node, h, w, strideDefaultsToKernel: true);
            shape = new LayerShape(LayerOp.Pool, c, 1, 1, window.P, window.Q, window.R, window.S, window.StrideH, window.StrideW, 1, 1, h, w);
        }

        return new Layer(name, shape, Repeat(node));
    }

    private static Layer Elementwise(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "kind", "input", "repeat");
        node.Get("kind").AsChoice("add", "mul");
        var (h, w, c) = Input(node);
        return new Layer(name, new LayerShape(LayerOp.Elementwise, c, 1, 1, h, w, 1, 1, 1, 1, 1, 1, h, w), Repeat(node));
    }

    // Resizing is one operation per output element; it is modelled as an elementwise op over the output.
    private static Layer Upsample(YamlNode node, string name)
    {
        node.RejectUnknownKeys("name", "op", "input", "output", "repeat");
        var (h, w, c) = Input(node);
        var outputNode = node.Get("output");
        var size = outputNode.Items();
        if (size.Count != 2)
        {
            throw outputNode.Error("expected [height, width]");
        }

        var (oh, ow) = (Spatial(size[0]), Spatial(size[1]));
        return new Layer(name, new LayerShape(LayerOp.Elementwise, c, 1, 1, oh, ow, 1, 1, 1, 1, 1, 1, h, w), Repeat(node));
    }

    private static (int H, int W, int C) Input(YamlNode node)
    {
        var input = node.Get("input");
        var items = input.Items();
        if (items.Count != 3)
        {
            throw input.Error($"expected [height, width, channels], got {items.Count} values");
        }

        return (Spatial(items[0]), Spatial(items[1]), Channels(items[2]));
    }

    private static int Spatial(YamlNode node) => node.AsInt(1, WorkloadLimits.MaxSpatial);

    private static int Channels(YamlNode node) => node.AsInt(1, WorkloadLimits.MaxChannels);

    private static int Repeat(YamlNode node) => node.TryGet("repeat")?.AsInt(1, WorkloadLimits.MaxRepeat) ?? 1;

    private static bool Bias(YamlNode node, bool fallback) => node.GetBool("bias", fallback);

    private static (int A, int B) Pair(YamlNode node, string key, int? fallback, int minimum, int maximum)
    {
        var value = fallback is { } f ? node.TryGet(key) : node.Get(key);
        if (value is null)
        {
            return (fallback!.Value, fallback.Value);
        }

        if (!value.IsSequence)
        {
            var v = value.AsInt(minimum, maximum);
            return (v, v);
        }

        var items = value.Items();
        if (items.Count != 2)
        {
            throw value.Error($"expected one integer or [height, width], got {items.Count} values");
        }

        return (items[0].AsInt(minimum, maximum), items[1].AsInt(minimum, maximum));
    }

    private sealed record SlidingWindow(int P, int Q, int R, int S, int StrideH, int StrideW, int DilationH, int DilationW);

    private static SlidingWindow Window(YamlNode node, int h, int w, bool strideDefaultsToKernel = false)
    {
        var (r, s) = Pair(node, "kernel", null, 1, WorkloadLimits.MaxKernel);
        var (sh, sw) = strideDefaultsToKernel && !node.Has("stride") ? (r, s) : Pair(node, "stride", 1, 1, WorkloadLimits.MaxStride);
        var (dh, dw) = Pair(node, "dilation", 1, 1, WorkloadLimits.MaxStride);
        var padding = node.TryGet("padding");
        int p, q;
        if (padding is { IsSequence: false } && padding.AsString() is "same" or "valid")
        {
            // TensorFlow semantics: 'same' pads so that the output is ceil(input / stride).
            var same = padding.AsString() == "same";
            p = same ? Ceil(h, sh) : Out(h, r, sh, 0, dh);
            q = same ? Ceil(w, sw) : Out(w, s, sw, 0, dw);
        }
        else
        {
            if (padding is { IsSequence: false })
            {
                var text = padding.AsString();
                if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    throw padding.Error($"'{text}' is not allowed; allowed: a non-negative integer, [height, width], same, valid");
                }
            }

            var (ph, pw) = Pair(node, "padding", 0, 0, WorkloadLimits.MaxPadding);
            p = Out(h, r, sh, ph, dh);
            q = Out(w, s, sw, pw, dw);
        }

        if (p < 1 || q < 1)
        {
            throw node.Error("kernel", $"the {r}x{s} window (dilation {dh}x{dw}) does not fit the {h}x{w} input with this padding; the output would be {p}x{q}");
        }

        return new SlidingWindow(p, q, r, s, sh, sw, dh, dw);
    }

    // In long arithmetic: dilation·(kernel − 1) of int fields must not wrap (2147483647·2 did, silently).
    private static int Out(int size, int kernel, int stride, int pad, int dilation) =>
        (int)Math.Clamp(Math.Floor((size + (2L * pad) - ((long)dilation * (kernel - 1)) - 1) / (double)stride) + 1, int.MinValue, int.MaxValue);

    private static int Ceil(int size, int stride) => (int)((size + (long)stride - 1) / stride);

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex NamePattern();
}
