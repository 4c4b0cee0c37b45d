using Apollo.Simulator.Template;

namespace Apollo.Simulator.Timing;

/// <summary>
/// Cycle-approximate, tile-level model of one layer (DESIGN §5). Tiles are double-buffered: the DMA of
/// tile i+1 and the write-back of tile i-1 share the DRAM link while tile i computes. The first load
/// (fill) and the last write-back (drain) are exposed, every tile pays an issue overhead and a pipeline
/// fill, every loop iteration of the program pays a pass overhead, and the layer pays a setup cost. DMA
/// transfers move whole bursts and pay a fixed cost each (<see cref="Technology.LinkCycles"/>).
/// Compute of a tile runs at the slower of the MAC array and the on-chip memories that feed it.
/// </summary>
public sealed class CycleModel(Technology technology)
{
    public LayerTiming Simulate(LayerSchedule schedule, AcceleratorConfig config)
    {
        var latency = technology.Memory.DramLatencyCycles;
        var o = technology.Overheads;
        var n = schedule.Tiles;
        var full = schedule.FullTile;
        var last = schedule.LastTile;

        // The DMA engine keeps requests in flight, so DRAM latency is exposed only where the link starts
        // from idle (the fill) or the array waits for the last write (the drain), not on every tile. Each
        // tile's read and its write are one DMA transfer each: whole bursts plus a per-transfer cost, so
        // short transfers use the link inefficiently.
        double Stream(double bytes) => technology.LinkCycles(bytes, config.IoBandwidthGBps);
        double Transfer(double bytes) => bytes == 0 ? 0 : Stream(bytes) + latency;
        double Busy(TileWork t) => Math.Max(t.ComputeCycles, t.OnChipCycles) + o.TileIssueCycles + o.PipelineDepthCycles;

        double total;
        if (n == 1)
        {
            total = Transfer(last.DramReadBytes) + Busy(last) + Transfer(last.DramWriteBytes);
        }
        else
        {
            // Step i computes tile i while loading tile i+1 and writing back tile i-1.
            var fill = Transfer(full.DramReadBytes);
            var first = Math.Max(Busy(full), Stream(n == 2 ? last.DramReadBytes : full.DramReadBytes));
            var steady = n > 3 ? (n - 3) * Math.Max(Busy(full), Stream(full.DramReadBytes) + Stream(full.DramWriteBytes)) : 0;
            var beforeLast = n > 2 ? Math.Max(Busy(full), Stream(last.DramReadBytes) + Stream(full.DramWriteBytes)) : 0;
            var lastStep = Math.Max(Busy(last), Stream(full.DramWriteBytes));
            var drain = Transfer(last.DramWriteBytes);
            total = fill + first + steady + beforeLast + lastStep + drain;
        }

        var passOverhead = (schedule.Passes + schedule.PassesPerIssue - 1) / schedule.PassesPerIssue * o.PassIssueCycles;
        var fixedOverhead = (n * (o.TileIssueCycles + o.PipelineDepthCycles)) + o.LayerSetupCycles + passOverhead;
        var cycles = (long)Math.Ceiling(total - 1e-9) + o.LayerSetupCycles + passOverhead;

        var compute = (long)Math.Round(((n - 1) * full.ComputeCycles) + last.ComputeCycles);
        var stall = Math.Max(0, cycles - compute - fixedOverhead);
        var dram = (long)Math.Round(((n - 1) * (full.DramReadBytes + full.DramWriteBytes)) + last.DramReadBytes + last.DramWriteBytes);
        var peak = (double)config.PeakMacsPerCycle(technology);
        return new LayerTiming(cycles, compute, stall, fixedOverhead, schedule.Macs / (peak * cycles), dram);
    }
}
