module fgs-test-runtime

go 1.19
