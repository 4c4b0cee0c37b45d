using Apollo.Compiler.Workloads;
using Apollo.Testing;

namespace Apollo.Compiler.Tests.Workloads;

/// <summary>Every shipped network's computed totals match its published figures.</summary>
public sealed class PublishedTotalsTests
{
    // Published figures are rounded (e.g. "3.4M", "0.39B") and conventions differ slightly in what
    // they count (BatchNorm, biases); 3% separates those from a missing or mis-shaped layer.
    private const double Tolerance = 0.03;

    private static readonly WorkloadCatalog Catalog = WorkloadCatalog.Load(RepositoryPaths.Config("workloads"));

    public static TheoryData<string> Names() => new(Catalog.Names);

    /// <summary>The published block is optional for a user's network, but every shipped one must state its figures.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Every_shipped_network_has_a_published_block(string name) => Assert.NotNull(Catalog.Get(name).Published);

    [Fact]
    public void A_user_network_without_a_published_block_loads_and_one_with_a_bad_block_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("apollo-workload-").FullName;
        try
        {
            var file = Path.Combine(dir, "tiny.yaml");
            const string Layers = "layers:\n  - {name: fc, op: matmul, k: 64, n: 10}\n";
            File.WriteAllText(file, "name: tiny\ndomain: classification\ndescription: x\nsource: y\n" + Layers);
            var tiny = WorkloadCatalog.LoadFile(file);
            Assert.Null(tiny.Published);
            Assert.Equal(640, tiny.TotalMacs);

            File.WriteAllText(file, "name: tiny\ndomain: classification\ndescription: x\nsource: y\npublished: {macs: -1, parameters: 1, convention: x, source: y}\n" + Layers);
            Assert.Throws<Apollo.Configuration.ConfigException>(() => WorkloadCatalog.LoadFile(file));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Macs_match_the_published_figure(string name)
    {
        var workload = Catalog.Get(name);
        var error = RelativeError(workload.TotalMacs, workload.Published!.Macs);
        Assert.True(error <= Tolerance, $"{name}: computed {workload.TotalMacs:N0} MACs, published {workload.Published!.Macs:N0} ({error:P2} off)");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Parameters_match_the_published_figure(string name)
    {
        var workload = Catalog.Get(name);
        var error = RelativeError(workload.TotalParameters, workload.Published!.Parameters);
        Assert.True(error <= Tolerance, $"{name}: computed {workload.TotalParameters:N0} parameters, published {workload.Published!.Parameters:N0} ({error:P2} off)");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_layer_has_a_positive_shape_and_a_unique_name(string name)
    {
        var workload = Catalog.Get(name);
        Assert.NotEmpty(workload.Layers);
        Assert.Equal(workload.Layers.Count, workload.Layers.Select(l => l.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(workload.Layers, l =>
        {
            Assert.True(l.Shape.Macs > 0 && l.Shape.OutputElements > 0 && l.Shape.InputElements > 0, l.Name);
            Assert.True(l.Repeat >= 1, l.Name);
        });
    }

    [Fact]
    public void The_shipped_directory_holds_every_network_of_the_design()
    {
        string[] expected =
        [
            "mobilenet_v2", "mobilenet_v3_large", "mobilenet_edgetpu", "resnet50", "efficientnet_b0",
            "ssdlite_mobilenet_v2", "crnn", "unet", "deeplabv3_mobilenet_v3_large", "rnnt_encoder", "rnnt_decoder",
        ];
        Assert.Subset(Catalog.Names.ToHashSet(), expected.ToHashSet());
    }

    [Fact]
    public void The_shipped_directory_holds_the_coral_calibration_networks()
    {
        // The six networks of Coral's Edge TPU benchmark table (docs/calibration.md); their totals are checked above.
        string[] coral = ["mobilenet_v2", "inception_v1", "resnet50_299", "ssd_mobilenet_v2", "deeplabv3_mobilenet_v2_513", "efficientnet_edgetpu_s"];
        Assert.Subset(Catalog.Names.ToHashSet(), coral.ToHashSet());
    }

    [Fact]
    public void Rnnt_encoder_and_decoder_together_match_the_published_model_size()
    {
        // He et al. 2019 publish only the whole model (117M); the per-file figures are derived, so the
        // split files are checked here as one. The 128-wide embedding table (0.52M) is a lookup and not modelled.
        var total = Catalog.ResolveSet("speech").Sum(w => w.TotalParameters);
        Assert.InRange(RelativeError(total, 117e6), 0, Tolerance);
    }

    private static double RelativeError(double computed, double published) => Math.Abs(computed - published) / published;
}
