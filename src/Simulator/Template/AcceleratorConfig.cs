using System.Globalization;

namespace Apollo.Simulator.Template;

/// <summary>
/// One design point of the template (DESIGN §2). Sizes are bytes per instance (per PE or per core),
/// instruction memory is in entries per core, bandwidth in GB/s.
/// </summary>
public sealed record AcceleratorConfig(
    int PeX,
    int PeY,
    int Lanes,
    int Cores,
    long PeMemoryBytes,
    long CoreMemoryBytes,
    int InstructionMemoryEntries,
    long ParameterMemoryBytes,
    long ActivationMemoryBytes,
    double IoBandwidthGBps)
{
    public int PeCount => PeX * PeY;

    public int TotalCores => PeCount * Cores;

    /// <summary>Peak multiply-accumulates per cycle of the whole array.</summary>
    public long PeakMacsPerCycle(Technology technology) => (long)TotalCores * Lanes * technology.MacWays;

    /// <summary>The value of each template parameter by its YAML name, in <see cref="TemplateParameters.Names"/> order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> ToParameters() =>
    [
        new(TemplateParameters.PeX, PeX),
        new(TemplateParameters.PeY, PeY),
        new(TemplateParameters.Lanes, Lanes),
        new(TemplateParameters.Cores, Cores),
        new(TemplateParameters.PeMemory, PeMemoryBytes),
        new(TemplateParameters.CoreMemory, CoreMemoryBytes),
        new(TemplateParameters.InstructionMemory, InstructionMemoryEntries),
        new(TemplateParameters.ParameterMemory, ParameterMemoryBytes),
        new(TemplateParameters.ActivationMemory, ActivationMemoryBytes),
        new(TemplateParameters.IoBandwidth, IoBandwidthGBps),
    ];

    /// <summary>
    /// Builds a design point from parameter values by name. Every template parameter must be present;
    /// <paramref name="error"/> turns a problem (field, message) into the caller's exception type.
    /// </summary>
    public static AcceleratorConfig FromParameters(IReadOnlyDictionary<string, double> values, Func<string, string, Exception> error)
    {
        foreach (var name in values.Keys)
        {
            if (!TemplateParameters.Names.Contains(name))
            {
                throw error(name, $"unknown parameter; allowed parameters: {string.Join(", ", TemplateParameters.Names)}");
            }
        }

        double Get(string name) => values.TryGetValue(name, out var v)
            ? (v > 0 && double.IsFinite(v) ? TemplateParameters.CheckRange(name, v, error) : throw error(name, $"must be a positive number, got {v.ToString(CultureInfo.InvariantCulture)}"))
            : throw error(name, "required parameter is missing");

        int Int(string name)
        {
            var v = Get(name);
            return v == Math.Floor(v) && v <= int.MaxValue ? (int)v : throw error(name, $"must be a whole number, got {v.ToString(CultureInfo.InvariantCulture)}");
        }

        return new AcceleratorConfig(
            Int(TemplateParameters.PeX),
            Int(TemplateParameters.PeY),
            Int(TemplateParameters.Lanes),
            Int(TemplateParameters.Cores),
            Int(TemplateParameters.PeMemory),
            Int(TemplateParameters.CoreMemory),
            Int(TemplateParameters.InstructionMemory),
            Int(TemplateParameters.ParameterMemory),
            Int(TemplateParameters.ActivationMemory),
            Get(TemplateParameters.IoBandwidth));
    }
}

/// <summary>The template's ten parameters, by their YAML names, with their units.</summary>
public static class TemplateParameters
{
    public const string PeX = "pe_x";
    public const string PeY = "pe_y";
    public const string Lanes = "lanes";
    public const string Cores = "cores";
    public const string PeMemory = "pe_memory";
    public const string CoreMemory = "core_memory";
    public const string InstructionMemory = "instruction_memory";
    public const string ParameterMemory = "parameter_memory";
    public const string ActivationMemory = "activation_memory";
    public const string IoBandwidth = "io_bandwidth";

    public static IReadOnlyList<string> Names { get; } =
        [PeX, PeY, Lanes, Cores, PeMemory, CoreMemory, InstructionMemory, ParameterMemory, ActivationMemory, IoBandwidth];

    /// <summary>Most PEs per array side (pe_x, pe_y) and most cores per PE: 1,024.</summary>
    public const int MaxPeSide = 1024;

    /// <summary>Most SIMD lanes per core: 4,096.</summary>
    public const int MaxLanes = 4096;

    /// <summary>Largest memory of any kind, per PE or per core: 2³⁰ bytes (1 GiB).</summary>
    public const int MaxMemoryBytes = 1 << 30;

    /// <summary>Most instruction-memory entries per core: 2²⁴.</summary>
    public const int MaxInstructionEntries = 1 << 24;

    /// <summary>Slowest DRAM link: 0.001 GB/s (1 MB/s); slower links make latencies meaningless.</summary>
    public const double MinIoBandwidth = 0.001;

    /// <summary>Fastest DRAM link: 10,000 GB/s (several HBM stacks).</summary>
    public const double MaxIoBandwidth = 10_000;

    /// <summary>
    /// The physical range of each parameter, inclusive. Wide enough for any plausible edge or data-centre
    /// design, narrow enough that every derived count (PEs · cores · lanes · MAC ways, bytes, cycles) stays far
    /// from integer overflow and every latency stays finite.
    /// </summary>
    public static (double Min, double Max) Range(string name) => name switch
    {
        PeX or PeY or Cores => (1, MaxPeSide),
        Lanes => (1, MaxLanes),
        PeMemory or CoreMemory or ParameterMemory or ActivationMemory => (1, MaxMemoryBytes),
        InstructionMemory => (1, MaxInstructionEntries),
        IoBandwidth => (MinIoBandwidth, MaxIoBandwidth),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a template parameter"),
    };

    /// <summary>Returns <paramref name="value"/> when it lies in the parameter's <see cref="Range"/>; otherwise the error names the range.</summary>
    public static double CheckRange(string name, double value, Func<string, string, Exception> error)
    {
        var (min, max) = Range(name);
        return value >= min && value <= max ? value : throw error(name, $"{RangeText(name)}, got {value.ToString("R", CultureInfo.InvariantCulture)}");
    }

    /// <summary>"must be from 1 to 1024 PEs", for messages and docs.</summary>
    public static string RangeText(string name)
    {
        var (min, max) = Range(name);
        return $"must be from {min.ToString("R", CultureInfo.InvariantCulture)} to {max.ToString("R", CultureInfo.InvariantCulture)} {Unit(name)}";
    }

    /// <summary>Unit of each parameter, for help text and tables.</summary>
    public static string Unit(string name) => name switch
    {
        PeX or PeY => "PEs",
        Lanes => "lanes per core",
        Cores => "cores per PE",
        PeMemory => "bytes per PE",
        CoreMemory or ParameterMemory or ActivationMemory => "bytes per core",
        InstructionMemory => "entries per core",
        IoBandwidth => "GB/s",
        _ => "",
    };
}
