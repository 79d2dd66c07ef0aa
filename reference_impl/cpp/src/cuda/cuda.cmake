# The fused CUDA kernels of reference_impl (included by reference_impl/CMakeLists.txt when
# TORCHLINT_REFIMPL_CUDA=ON, after the CPU library and tests are defined):
#   torchlint_reference_kernels  the kernels (.cu; nvcc and the CUDA runtime only, no LibTorch)
#   torchlint_reference_cuda_op  the operator torchlint_reference::detection_loss_terms
#                                (CUDA + Autograd kernels; LibTorch)
# Both go into the static torchlint_reference (C++ callers: the device of the inputs picks the
# kernels) and into the shared torchlint_reference_ops, which Python loads with
# torch.ops.load_library. GPU tests carry the ctest label `gpu`.
set(REFIMPL_CUDA_DIR ${REFIMPL_DIR}/cpp/src/cuda)

add_library(torchlint_reference_kernels OBJECT ${REFIMPL_CUDA_DIR}/fused_detection_loss.cu)
target_link_libraries(torchlint_reference_kernels PRIVATE CUDA::cudart)
set_target_properties(torchlint_reference_kernels PROPERTIES CUDA_STANDARD 17
  CUDA_STANDARD_REQUIRED ON POSITION_INDEPENDENT_CODE ON)
target_compile_options(torchlint_reference_kernels PRIVATE
  $<$<COMPILE_LANGUAGE:CUDA>:-Xptxas=-warn-spills -Xcompiler=-Wall>)

add_library(torchlint_reference_cuda_op OBJECT ${REFIMPL_CUDA_DIR}/fused_detection_loss_op.cpp)
target_include_directories(torchlint_reference_cuda_op PRIVATE ${REFIMPL_DIR}/cpp/include)
target_link_libraries(torchlint_reference_cuda_op PRIVATE ${TORCH_LIBRARIES} CUDA::cudart)
set_target_properties(torchlint_reference_cuda_op PROPERTIES CXX_STANDARD 17
  CXX_STANDARD_REQUIRED ON POSITION_INDEPENDENT_CODE ON)
target_compile_options(torchlint_reference_cuda_op PRIVATE -Wall -Wextra ${TORCH_CXX_FLAGS})

# C++: detection_loss.cpp calls the operator for CUDA inputs, which pulls its registration
# into every program that links the static library.
target_sources(torchlint_reference PRIVATE $<TARGET_OBJECTS:torchlint_reference_kernels>
                                           $<TARGET_OBJECTS:torchlint_reference_cuda_op>)
target_compile_definitions(torchlint_reference PRIVATE TORCHLINT_REFIMPL_WITH_CUDA)
target_include_directories(torchlint_reference PRIVATE ${REFIMPL_DIR}/cpp/src)
target_link_libraries(torchlint_reference PUBLIC CUDA::cudart)

# Python: torch.ops.load_library("<build>/libtorchlint_reference_ops.so").
add_library(torchlint_reference_ops SHARED $<TARGET_OBJECTS:torchlint_reference_kernels>
                                           $<TARGET_OBJECTS:torchlint_reference_cuda_op>)
target_link_libraries(torchlint_reference_ops PRIVATE ${TORCH_LIBRARIES} CUDA::cudart)
if(TEST reference_impl.python_gpu)
  set_property(TEST reference_impl.python_gpu APPEND PROPERTY ENVIRONMENT
    "TORCHLINT_REFERENCE_OPS_LIBRARY=$<TARGET_FILE:torchlint_reference_ops>")
endif()

# GoogleTest on the GPU: the CUDA path against the CPU float64 path, and compute-sanitizer's
# memcheck over the same binary where the toolkit has it.
if(GTest_FOUND)
  add_executable(torchlint_reference_gpu_tests ${REFIMPL_DIR}/cpp/tests/test_main.cpp
                 ${REFIMPL_DIR}/cpp/tests/test_detection_loss_cuda.cpp)
  target_link_libraries(torchlint_reference_gpu_tests PRIVATE torchlint_reference GTest::gtest)
  set_target_properties(torchlint_reference_gpu_tests PROPERTIES CXX_STANDARD 17
                                                                 CXX_STANDARD_REQUIRED ON)
  target_compile_options(torchlint_reference_gpu_tests PRIVATE -Wall -Wextra ${TORCH_CXX_FLAGS})
  gtest_discover_tests(torchlint_reference_gpu_tests
    TEST_PREFIX "reference_impl.cpp_gpu."
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 120
    PROPERTIES LABELS gpu TIMEOUT 300)
  find_program(REFIMPL_COMPUTE_SANITIZER compute-sanitizer
               HINTS ${CUDAToolkit_BIN_DIR} /usr/local/cuda/bin)
  if(REFIMPL_COMPUTE_SANITIZER)
    # PyTorch's caching allocator hides overruns inside its pooled blocks: turn it off.
    add_test(NAME reference_impl.cpp_gpu.memcheck
             COMMAND ${REFIMPL_COMPUTE_SANITIZER} --tool memcheck --error-exitcode 1
                     --leak-check no $<TARGET_FILE:torchlint_reference_gpu_tests>
                     --gtest_filter=*FusedCuda*:-*Large*)
    set_tests_properties(reference_impl.cpp_gpu.memcheck PROPERTIES LABELS gpu TIMEOUT 900
      ENVIRONMENT "PYTORCH_NO_CUDA_MEMORY_CACHING=1")
  else()
    message(STATUS "reference_impl: compute-sanitizer not found; no memcheck test")
  endif()
else()
  message(STATUS "reference_impl: GoogleTest missing; C++ GPU tests not built")
endif()
