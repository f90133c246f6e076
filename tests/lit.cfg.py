# lit configuration for bpc's golden tests (.bpm sources and .mlir inputs).
import os
import lit.formats

config.name = "bpc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".bpm", ".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(config.bpc_bin_dir), "tests")
config.excludes = ["Inputs", "unit", "fuzz", "CMakeLists.txt", "lit.cfg.py"]

config.environment["PATH"] = os.pathsep.join(
    [config.bpc_bin_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# Generated model headers include bpc/runtime.h; e2e drivers compile against
# it. Listed before %bpc, which would otherwise match its prefix.
config.substitutions.append(("%bpc_runtime_include", config.bpc_runtime_include))
# The static runtime, for drivers that call it directly (bpc/random.h): a
# model library exports only its prefix_* entry points. It is C++.
config.substitutions.append(("%bpc_runtime_lib", config.bpc_runtime_lib + " -lstdc++"))
config.substitutions.append(("%bpc", os.path.join(config.bpc_bin_dir, "bpc")))
config.substitutions.append(("%examples", os.path.join(config.bpc_source_dir, "examples")))
# `bpc run` keeps compiled kernels in a disk cache: the tests use one of
# their own (shared by all of them, kept between lit runs), never the user's.
config.environment["BPC_CACHE_DIR"] = os.path.join(config.test_exec_root, "bpc-cache")
for var in ["BPC_NO_CACHE", "BPC_CACHE_MAX_MB", "BPC_CACHE_STATS",
            "BPC_MEMORY_CACHE_KERNELS", "BPC_MEMORY_CACHE_MB"]:
    config.environment.pop(var, None)
