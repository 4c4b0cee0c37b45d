using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;
using FsCheck;
using FsCheck.Fluent;

namespace Apollo.Testing;

/// <summary>FsCheck generators for design points on the default grid and for real-looking layer shapes.</summary>
public static class DesignGenerators
{
    /// <summary>A design point drawn uniformly from the default search space.</summary>
    public static Gen<AcceleratorConfig> Config { get; } =
        Gen.CollectToArray(ReferenceLayers.Space.Parameters.Select(p => Gen.Elements(p.Values.ToArray())))
            .Select(values => FromValues(values.ToArray()));

    /// <summary>Small-to-medium design points, so that most of them are feasible and properties exercise mappings.</summary>
    public static Gen<AcceleratorConfig> ModestConfig { get; } =
        from peX in Gen.Elements(1, 2, 4, 6, 8)
        from peY in Gen.Elements(1, 2, 4, 6, 8)
        from lanes in Gen.Elements(4, 8, 16, 32, 64, 128)
        from cores in Gen.Elements(1, 2, 4, 6, 8)
        from pe in Gen.Elements(1 << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22)
        from core in Gen.Elements(1 << 12, 1 << 13, 1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18)
        from instr in Gen.Elements(256, 512, 1024, 2048, 4096, 8192)
        from param in Gen.Elements(8192, 16384, 32768, 65536)
        from act in Gen.Elements(2048, 4096, 8192, 16384, 32768)
        from io in Gen.Elements(5.0, 10, 16, 20, 25, 30)
        select new AcceleratorConfig(peX, peY, lanes, cores, pe, core, instr, param, act, io);

    /// <summary>Convolutions, depthwise convolutions and matmuls with real-network-like shapes.</summary>
    public static Gen<Layer> Layer { get; } = Gen.OneOf(
        from size in Gen.Elements(7, 14, 28, 56, 112, 224)
        from inC in Gen.Elements(3, 16, 24, 32, 64, 96, 128, 256, 512)
        from outC in Gen.Elements(16, 24, 32, 64, 128, 256, 512, 1024)
        from kernel in Gen.Elements(1, 3, 5, 7)
        from stride in Gen.Elements(1, 2)
        select ReferenceLayers.Conv("conv", size, size, inC, outC, kernel, stride),
        from size in Gen.Elements(7, 14, 28, 56, 112)
        from channels in Gen.Elements(16, 32, 96, 144, 192, 384, 576, 960)
        from kernel in Gen.Elements(3, 5)
        from stride in Gen.Elements(1, 2)
        select ReferenceLayers.Depthwise("dw", size, size, channels, kernel, stride),
        from m in Gen.Elements(1, 4, 16)
        from k in Gen.Elements(256, 640, 1280, 2048)
        from n in Gen.Elements(10, 1000, 2560, 8192)
        select ReferenceLayers.Matmul("fc", m, k, n));

    /// <summary>Names of the parameters that add capacity or bandwidth (DESIGN §5's monotonicity invariant).</summary>
    public static Gen<string> ResourceParameter { get; } = Gen.Elements(
        TemplateParameters.PeMemory, TemplateParameters.CoreMemory, TemplateParameters.InstructionMemory,
        TemplateParameters.ParameterMemory, TemplateParameters.ActivationMemory, TemplateParameters.IoBandwidth);

    /// <summary>The next larger grid value of <paramref name="parameter"/>, or null at the top of the grid.</summary>
    public static AcceleratorConfig? Grow(AcceleratorConfig config, string parameter)
    {
        var values = ReferenceLayers.Space.Parameters.First(p => p.Name == parameter).Values;
        var current = config.ToParameters().First(p => p.Key == parameter).Value;
        var next = values.FirstOrDefault(v => v > current);
        if (next == 0)
        {
            return null;
        }

        var dict = config.ToParameters().ToDictionary(p => p.Key, p => p.Value);
        dict[parameter] = next;
        return AcceleratorConfig.FromParameters(dict, (f, m) => new InvalidOperationException($"{f}: {m}"));
    }

    /// <summary>A uniform random point of the default space from a seeded <see cref="Random"/> (for non-property loops).</summary>
    public static AcceleratorConfig Uniform(Random rng) =>
        FromValues(ReferenceLayers.Space.Parameters.Select(p => p.Values[rng.Next(p.Values.Count)]).ToArray());

    private static AcceleratorConfig FromValues(double[] values)
    {
        var dict = ReferenceLayers.Space.Parameters.Select((p, i) => (p.Name, values[i])).ToDictionary(t => t.Name, t => t.Item2);
        return AcceleratorConfig.FromParameters(dict, (f, m) => new InvalidOperationException($"{f}: {m}"));
    }
}
