using System.Globalization;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using FsCheck;
using FsCheck.Xunit;

namespace Apollo.Compiler.Tests.Workloads;

/// <summary>The loader's output size is the number of window positions that fit, for any conv geometry.</summary>
public sealed class OutputSizePropertyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("apollo-outsize-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Property(MaxTest = 60)]
    public bool Output_rows_are_exactly_the_window_positions_that_fit(PositiveInt size, PositiveInt kernel, PositiveInt stride, PositiveInt dilation, NonNegativeInt padding)
    {
        var (n, k, s, d, p) = (1 + (size.Get % 64), 1 + (kernel.Get % 7), 1 + (stride.Get % 4), 1 + (dilation.Get % 3), padding.Get % 4);
        var span = (d * (k - 1)) + 1; // rows one output position reads
        var padded = n + (2 * p);
        var text = string.Create(CultureInfo.InvariantCulture, $$"""
            name: prop
            domain: classification
            description: d
            source: s
            published: {macs: 1, parameters: 1, convention: c, source: s}
            layers:
              - {name: c, op: conv2d, input: [{{n}}, 3, 1], out_channels: 1, kernel: [{{k}}, 1], stride: [{{s}}, 1], dilation: [{{d}}, 1], padding: [{{p}}, 0]}

            """);
        var path = Path.Combine(_directory, "prop.yaml");
        File.WriteAllText(path, text);
        if (span > padded)
        {
            // Nothing fits: the loader must refuse, naming the kernel.
            try
            {
                WorkloadCatalog.LoadFile(path);
                return false;
            }
            catch (ConfigException e)
            {
                return e.Field == "layers[0].kernel";
            }
        }

        var rows = WorkloadCatalog.LoadFile(path).Layers[0].Shape.OutputHeight;
        var lastStart = (rows - 1) * s;
        return lastStart + span <= padded && lastStart + s + span > padded;
    }
}
