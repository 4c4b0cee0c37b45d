using System.Diagnostics;
using Apollo.Configuration;
using Apollo.Testing;

namespace Apollo.Configuration.Tests;

public sealed class ConfigFileTests : IDisposable
{
    private readonly TempFolder _folder = new("apollo-configfile-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_folder_given_as_a_file_is_a_one_line_config_error()
    {
        var e = Assert.Throws<ConfigException>(() => YamlNode.LoadFile(_folder.Path));
        Assert.Equal($"{_folder.Path}: is a folder, not a file", e.Message);
    }

    [Fact]
    public void Dev_zero_is_refused_without_reading_it()
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // Windows: there is no /dev/zero to refuse
        }

        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<ConfigException>(() => YamlNode.LoadFile("/dev/zero"));
        Assert.Contains("not a regular file", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_named_pipe_is_refused_before_it_is_opened()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no mkfifo
        }

        var fifo = MakeFifo(_folder.File("technology.yaml"));

        // Opening a FIFO for reading blocks until a writer appears; the loader must not even open it.
        var load = Task.Run(() => Assert.Throws<ConfigException>(() => YamlNode.LoadFile(fifo)));
        var e = await load.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("not a regular file", e.Message);
        Assert.Equal("the file is empty (or is not a regular file: a device, pipe or socket)", ConfigFile.Problem(fifo));
    }

    [Fact]
    public async Task A_link_to_a_pipe_or_device_is_refused_like_its_target()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no mkfifo
        }

        var fifo = MakeFifo(_folder.File("pipe"));

        var toPipe = File.CreateSymbolicLink(_folder.File("pipe.yaml"), fifo).FullName;
        var toZero = File.CreateSymbolicLink(_folder.File("zero.yaml"), "/dev/zero").FullName;
        foreach (var link in new[] { toPipe, toZero })
        {
            var e = await Task.Run(() => Assert.Throws<ConfigException>(() => YamlNode.LoadFile(link))).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("not a regular file", e.Message);
        }
    }

    [Fact]
    public void A_file_above_the_size_limit_is_refused()
    {
        var path = _folder.File("big.yaml");
        using (var stream = File.Create(path))
        {
            stream.SetLength(ConfigFile.MaxBytes + 1L);
        }

        var e = Assert.Throws<ConfigException>(() => YamlNode.LoadFile(path));
        Assert.Contains("limited to 16,777,216 bytes", e.Message);
    }

    [Fact]
    public void A_file_at_the_limit_is_read()
    {
        var path = _folder.File("limit.yaml");
        var head = "a: 1\n#";
        File.WriteAllText(path, head + new string('x', ConfigFile.MaxBytes - head.Length));
        Assert.Equal(ConfigFile.MaxBytes, ConfigFile.ReadText(path).Length);
        Assert.Equal(1, YamlNode.LoadFile(path).GetInt("a"));
    }

    [Fact]
    public void A_missing_or_empty_file_is_named()
    {
        Assert.Equal($"{_folder.Path}/nope.yaml: file not found", Assert.Throws<ConfigException>(() => YamlNode.LoadFile(_folder.File("nope.yaml"))).Message);
        var empty = _folder.Write("empty.yaml", "");
        Assert.Contains("the file is empty", Assert.Throws<ConfigException>(() => YamlNode.LoadFile(empty)).Message);
        File.WriteAllText(empty, "# only a comment\n");
        Assert.Equal($"{empty}: the file is empty", Assert.Throws<ConfigException>(() => YamlNode.LoadFile(empty)).Message);
    }

    [Fact]
    public void A_byte_order_mark_is_not_part_of_the_text()
    {
        var path = _folder.File("bom.yaml");
        File.WriteAllText(path, "a: 1\n", new System.Text.UTF8Encoding(true));
        Assert.Equal("a: 1\n", ConfigFile.ReadText(path));
    }

    [Fact]
    public void A_path_through_a_file_is_not_found()
    {
        var file = _folder.Write("plain.yaml", "a: 1\n");
        var e = Assert.Throws<ConfigException>(() => YamlNode.LoadFile(Path.Combine(file, "child.yaml")));
        Assert.EndsWith(": file not found", e.Message);
    }

    [Fact]
    public void A_file_that_cannot_be_opened_is_a_one_line_config_error()
    {
        // Permission denied cannot be provoked as root, so the same code path (open() fails with an
        // IOException) is reached through a file held exclusively: .NET takes an flock for FileShare.None.
        var file = _folder.Write("locked.yaml", "a: 1\n");
        using var holder = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var e = Assert.Throws<ConfigException>(() => YamlNode.LoadFile(file));
        Assert.StartsWith($"{file}: cannot read the file", e.Message);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static string MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    [Fact]
    public void Flow_text_is_one_line_that_parses_back_to_the_same_values()
    {
        var node = YamlNode.Parse("population: 32\nsurvivors: latest\nname: 'it''s: odd'\nlist: [1, 2.5, -3]\nnested:\n  a: {b: x y}\n", "f.yaml");
        var flow = node.ToFlow();
        Assert.Equal("{population: 32, survivors: latest, name: 'it''s: odd', list: [1, 2.5, -3], nested: {a: {b: 'x y'}}}", flow);
        var back = YamlNode.Parse(flow, "g.yaml");
        Assert.Equal(32, back.GetInt("population"));
        Assert.Equal("it's: odd", back.GetString("name"));
        Assert.Equal("x y", back.Get("nested").Get("a").GetString("b"));
        Assert.Equal(flow, back.ToFlow());
    }
}
