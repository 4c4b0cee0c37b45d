namespace Apollo.Compiler.Mapping;

/// <summary>Stage and level names of infeasibility reasons, stable for storage and reports.</summary>
public static class InfeasibilityLevels
{
    public const string AreaStage = "area";
    public const string CompileStage = "compile";

    public const string AreaBudget = "area_budget";
    public const string ParameterMemory = "parameter_memory";
    public const string ActivationMemory = "activation_memory";
    public const string CoreMemory = "core_memory";
    public const string PeMemory = "pe_memory";
    public const string InstructionMemory = "instruction_memory";
}
