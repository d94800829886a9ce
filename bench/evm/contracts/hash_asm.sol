// SPDX-License-Identifier: MIT
// hash_asm: the same keccak chain on scratch memory, i.e. the cost of keccak itself.
pragma solidity ^0.8.28;

contract HashAsm {
    function run(uint256 n) external pure returns (bytes32 h) {
        for (uint256 i = 0; i < n; i++) {
            assembly {
                mstore(0, h)
                h := keccak256(0, 32)
            }
        }
    }
}
